package org.visionzoo.training.transform;

import org.visionzoo.core.Checks;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomErasing(p, scale, ratio, value)}: with probability {@code p}, up to
 * 10 tries of erase area {@code U(scale) * A} and log-uniform ratio,
 * {@code h = round(sqrt(area * ratio))}, {@code w = round(sqrt(area / ratio))}, accepted if
 * {@code h < height && w < width}; the rectangle, at a uniform offset, is overwritten in place
 * with a constant (per channel) or with standard normal noise. If every try fails the image is
 * unchanged. Usually applied after {@link Normalize}.
 */
public final class RandomErasing implements Transform {

    private static final int TRIES = 10;

    private final double p;
    private final double scaleMin;
    private final double scaleMax;
    private final double logRatioMin;
    private final double logRatioMax;
    private final float[] value; // null: random normal

    /**
     * torchvision's defaults: {@code p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0}.
     */
    public RandomErasing() {
        this(0.5, 0.02, 0.33, 0.3, 3.3, new float[] {0f});
    }

    /**
     * Creates the transform.
     *
     * @param p probability of erasing, in {@code [0, 1]}
     * @param scaleMin least erased fraction of the area, {@code 0 < scaleMin <= scaleMax}
     * @param scaleMax largest erased fraction of the area
     * @param ratioMin least aspect ratio, {@code 0 < ratioMin <= ratioMax}
     * @param ratioMax largest aspect ratio
     * @param value the fill: one value, or one per channel; {@code null} for standard normal noise
     *     (torchvision's {@code value="random"})
     * @throws IllegalArgumentException if an argument is out of range
     */
    public RandomErasing(double p, double scaleMin, double scaleMax, double ratioMin,
            double ratioMax, float[] value) {
        this.p = Checks.probability("p", p);
        Checks.positiveRange("scale", scaleMin, scaleMax);
        Checks.positiveRange("ratio", ratioMin, ratioMax);
        if (scaleMax > 1) {
            throw new IllegalArgumentException("scale max must be <= 1, got " + scaleMax);
        }
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.logRatioMin = Math.log(ratioMin);
        this.logRatioMax = Math.log(ratioMax);
        if (value != null) {
            if (value.length == 0) {
                throw new IllegalArgumentException("value must hold at least one value, got 0");
            }
            for (int i = 0; i < value.length; i++) {
                Checks.finite("value[" + i + "]", value[i]);
            }
        }
        this.value = value == null ? null : value.clone();
    }

    /**
     * Draws the rectangle to erase (assuming erasing was decided), or {@code null} when every try
     * fails.
     *
     * @param height image rows
     * @param width image columns
     * @param rng the generator
     * @return the rectangle, or {@code null}
     */
    public CropBox sample(int height, int width, RandomGenerator rng) {
        double area = (double) height * width;
        for (int t = 0; t < TRIES; t++) {
            double erase = area * (scaleMin + (scaleMax - scaleMin) * rng.nextDouble());
            double ratio = Math.exp(logRatioMin + (logRatioMax - logRatioMin) * rng.nextDouble());
            int h = ImageKernels.roundHalfEven(Math.sqrt(erase * ratio));
            int w = ImageKernels.roundHalfEven(Math.sqrt(erase / ratio));
            if (h < height && w < width) {
                int i = Transforms.uniformInt(rng, height - h + 1);
                int j = Transforms.uniformInt(rng, width - w + 1);
                return new CropBox(i, j, h, w);
            }
        }
        return null;
    }

    @Override
    public Image apply(Image in, RandomGenerator rng) {
        Objects.requireNonNull(in, "in");
        int c = in.channels();
        if (value != null && value.length != 1 && value.length != c) {
            throw new IllegalArgumentException("RandomErasing has " + value.length
                    + " fill values but the image has channels=" + c);
        }
        if (!(rng.nextDouble() < p)) {
            return in;
        }
        CropBox b = sample(in.height(), in.width(), rng);
        if (b == null) {
            return in;
        }
        float[] d = in.data();
        int ih = in.height();
        int iw = in.width();
        for (int ch = 0; ch < c; ch++) {
            for (int y = b.top(); y < b.top() + b.height(); y++) {
                int row = (ch * ih + y) * iw;
                if (value == null) {
                    for (int x = b.left(); x < b.left() + b.width(); x++) {
                        d[row + x] = (float) rng.nextGaussian();
                    }
                } else {
                    Arrays.fill(d, row + b.left(), row + b.left() + b.width(),
                            value[value.length == 1 ? 0 : ch]);
                }
            }
        }
        return in;
    }

    @Override
    public String toString() {
        return "RandomErasing(p=" + p + ", scale=(" + scaleMin + ", " + scaleMax + "), value="
                + (value == null ? "random" : Arrays.toString(value)) + ")";
    }
}
