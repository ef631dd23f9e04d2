package org.visionzoo.core.pretrained;

import java.util.List;
import java.util.Objects;

/**
 * The evaluation transform of torchvision's ImageNet classifiers ({@code
 * weights.transforms()}, torchvision's {@code ImageClassification} preset) on its PIL path: resize
 * the shorter side to {@code resizeSize} (the longer in proportion, truncated), antialiased as PIL
 * resamples, then the centre {@code cropSize} square, then {@code (x - mean) / std} per channel.
 *
 * <p>{@link #apply} takes images as {@code CHW} floats in {@code [0, 1]} that hold 8-bit levels
 * ({@code level / 255}, as image decoders and torchvision's {@code ToTensor} give) and computes
 * what torchvision computes from the same pixels: the resize is PIL's (a separable convolution
 * whose filter is widened by the downscale factor, each pass rounded to 8-bit levels), so the
 * published accuracies, measured that way, apply.
 *
 * @param resizeSize the length of the shorter side after resizing, {@code >= cropSize}
 * @param cropSize the side of the centre crop the model sees
 * @param interpolation the resampling filter
 * @param mean the per-channel mean subtracted (of values in {@code [0, 1]})
 * @param std the per-channel standard deviation divided by
 * @param antialias whether downscaling widens the filter (always so on torchvision's PIL path)
 */
public record EvalTransform(int resizeSize, int cropSize, Interpolation interpolation, List<Double> mean,
        List<Double> std, boolean antialias) {

    /** ImageNet's per-channel mean, as torchvision's presets. */
    public static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);

    /** ImageNet's per-channel standard deviation, as torchvision's presets. */
    public static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);

    /** The largest resize size accepted (torchvision's presets go up to 600). */
    public static final int MAX_SIZE = 8192;

    /** The most values the resized image may have (an extreme aspect ratio is refused). */
    public static final long MAX_RESIZED_VALUES = 1L << 28;

    /** Validates the transform and copies the lists. */
    public EvalTransform {
        Objects.requireNonNull(interpolation, "interpolation");
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (cropSize < 1 || resizeSize < cropSize || resizeSize > MAX_SIZE) {
            throw new IllegalArgumentException("expected 1 <= cropSize <= resizeSize <= " + MAX_SIZE + ", got cropSize "
                    + cropSize + ", resizeSize " + resizeSize);
        }
        if (mean.size() != std.size() || mean.isEmpty()) {
            throw new IllegalArgumentException("expected as many means as standard deviations (at least one), got "
                    + mean + " and " + std);
        }
        for (double s : std) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("expected positive standard deviations, got " + std);
            }
        }
    }

    /**
     * torchvision-style defaults for a crop size: resize to {@code round(crop * 256 / 224)} (256
     * for 224), bilinear, antialiased, ImageNet's mean and standard deviation. For models without
     * torchvision weights.
     *
     * @param cropSize the crop size, at least 1
     * @return the transform
     */
    public static EvalTransform imagenetDefaults(int cropSize) {
        return new EvalTransform((int) Math.round(cropSize * 256.0 / 224.0), cropSize, Interpolation.BILINEAR,
                IMAGENET_MEAN, IMAGENET_STD, true);
    }

    /**
     * Returns the size after the resize step, as torchvision's {@code _compute_resized_output_size}.
     *
     * @param height input rows
     * @param width input columns
     * @return {@code {height, width}} after resizing
     * @throws IllegalArgumentException if the resized image would be too large (an extreme aspect
     *     ratio)
     */
    public int[] resizedSize(int height, int width) {
        int shorter = Math.min(height, width);
        int longer = Math.max(height, width);
        long newLong = (long) ((double) ((long) resizeSize * longer) / shorter);
        if (newLong * resizeSize * mean.size() > MAX_RESIZED_VALUES) {
            throw new IllegalArgumentException("an image of " + height + "x" + width + " would be resized to "
                    + resizeSize + "x" + newLong + ", more than " + MAX_RESIZED_VALUES + " values: aspect ratio too extreme");
        }
        return width <= height ? new int[] {(int) newLong, resizeSize} : new int[] {resizeSize, (int) newLong};
    }

    /**
     * Applies the transform to one image.
     *
     * @param chw {@code channels * height * width} values in {@code [0, 1]}, {@code CHW}
     * @param channels the channels; must equal the number of means
     * @param height rows, at least 1
     * @param width columns, at least 1
     * @return {@code channels * cropSize * cropSize} normalised values, {@code CHW}
     * @throws IllegalArgumentException if the sizes do not match
     */
    public float[] apply(float[] chw, int channels, int height, int width) {
        Objects.requireNonNull(chw, "chw");
        if (channels != mean.size()) {
            throw new IllegalArgumentException("expected " + mean.size() + " channels, got " + channels);
        }
        if (height < 1 || width < 1 || (long) channels * height * width != chw.length) {
            throw new IllegalArgumentException("expected " + channels + "x" + height + "x" + width
                    + " values (positive sizes), got " + chw.length);
        }
        float[] levels = new float[chw.length];
        for (int i = 0; i < chw.length; i++) {
            levels[i] = chw[i] * 255f;
        }
        int[] hw = resizedSize(height, width);
        float[] resized = hw[0] == height && hw[1] == width
                ? levels
                : Resampling.resize(levels, channels, height, width, hw[0], hw[1], interpolation, antialias);
        int h = hw[0];
        int w = hw[1];
        if (h < cropSize || w < cropSize) {
            throw new IllegalArgumentException("image of " + height + "x" + width + " resized to " + h + "x" + w
                    + " is smaller than the crop " + cropSize);
        }
        int top = (int) Math.rint((h - cropSize) / 2.0);
        int left = (int) Math.rint((w - cropSize) / 2.0);
        float[] out = new float[channels * cropSize * cropSize];
        for (int c = 0; c < channels; c++) {
            float m = mean.get(c).floatValue();
            float s = std.get(c).floatValue();
            for (int y = 0; y < cropSize; y++) {
                int src = (c * h + top + y) * w + left;
                int dst = (c * cropSize + y) * cropSize;
                for (int x = 0; x < cropSize; x++) {
                    out[dst + x] = (resized[src + x] / 255f - m) / s;
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "EvalTransform[resize " + resizeSize + " (" + interpolation.torchvisionName()
                + (antialias ? ", antialiased" : "") + "), crop " + cropSize + ", mean " + mean + ", std " + std + "]";
    }
}
