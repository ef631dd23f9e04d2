package org.visionzoo.training.transform;

import org.visionzoo.core.Checks;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomResizedCrop(size, scale, ratio)}: a window of random area and aspect
 * ratio (torchvision's {@code get_params}, log-uniform ratio), resized bilinearly to
 * {@code size x size} ({@code align_corners=False}, <em>no</em> antialiasing).
 */
public final class RandomResizedCrop implements Transform {

    private static final int TRIES = 10;

    private final int size;
    private final double scaleMin;
    private final double scaleMax;
    private final double ratioMin;
    private final double ratioMax;
    private final double logRatioMin;
    private final double logRatioMax;

    /**
     * Creates the transform with torchvision's defaults {@code scale=(0.08, 1)},
     * {@code ratio=(3/4, 4/3)}.
     *
     * @param size output height and width, at least 1
     * @throws IllegalArgumentException if {@code size} is out of range
     */
    public RandomResizedCrop(int size) {
        this(size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    /**
     * Creates the transform.
     *
     * @param size output height and width, at least 1
     * @param scaleMin least fraction of the image area, {@code 0 < scaleMin <= scaleMax}
     * @param scaleMax largest fraction of the image area
     * @param ratioMin least aspect ratio (width / height), {@code 0 < ratioMin <= ratioMax}
     * @param ratioMax largest aspect ratio
     * @throws IllegalArgumentException if an argument is out of range
     */
    public RandomResizedCrop(
            int size, double scaleMin, double scaleMax, double ratioMin, double ratioMax) {
        this.size = Checks.atLeast("size", size, 1);
        Checks.positiveRange("scale", scaleMin, scaleMax);
        Checks.positiveRange("ratio", ratioMin, ratioMax);
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.ratioMax = ratioMax;
        this.logRatioMin = Math.log(ratioMin);
        this.logRatioMax = Math.log(ratioMax);
    }

    /**
     * torchvision's {@code get_params}: up to 10 tries of area {@code U(scale) * A} and
     * log-ratio {@code U(log ratioMin, log ratioMax)}, {@code w = round(sqrt(area * ratio))},
     * {@code h = round(sqrt(area / ratio))} (half to even, as Python), accepted if it fits, at an
     * offset drawn uniformly; otherwise {@link #fallback}.
     *
     * @param height input rows
     * @param width input columns
     * @param rng the generator
     * @return the window, inside the image
     */
    public CropBox sample(int height, int width, RandomGenerator rng) {
        double area = (double) height * width;
        for (int t = 0; t < TRIES; t++) {
            double target = area * uniform(rng, scaleMin, scaleMax);
            double ratio = Math.exp(uniform(rng, logRatioMin, logRatioMax));
            int w = ImageKernels.roundHalfEven(Math.sqrt(target * ratio));
            int h = ImageKernels.roundHalfEven(Math.sqrt(target / ratio));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int i = Transforms.uniformInt(rng, height - h + 1);
                int j = Transforms.uniformInt(rng, width - w + 1);
                return new CropBox(i, j, h, w);
            }
        }
        return fallback(height, width);
    }

    /**
     * The window used when every try fails: a center crop of the whole image, narrowed to the
     * nearest aspect ratio in range.
     *
     * @param height input rows
     * @param width input columns
     * @return the centered window
     */
    public CropBox fallback(int height, int width) {
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < ratioMin) {
            w = width;
            h = Math.max(1, Math.min(height, ImageKernels.roundHalfEven(w / ratioMin)));
        } else if (inRatio > ratioMax) {
            h = height;
            w = Math.max(1, Math.min(width, ImageKernels.roundHalfEven(h * ratioMax)));
        } else {
            w = width;
            h = height;
        }
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    private static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
    }

    @Override
    public Image apply(Image in, RandomGenerator rng) {
        CropBox b = sample(in.height(), in.width(), rng);
        return ImageKernels.resizeBilinear(in, b.top(), b.left(), b.height(), b.width(), size, size);
    }

    @Override
    public String toString() {
        return "RandomResizedCrop(" + size + ", scale=(" + scaleMin + ", " + scaleMax
                + "), ratio=(" + ratioMin + ", " + ratioMax + "))";
    }
}
