package org.visionzoo.training.transform;

import org.visionzoo.core.Checks;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomHorizontalFlip(p)}: mirrors the columns, in place, with probability
 * {@code p} (one {@code nextDouble()} per call).
 */
public final class RandomHorizontalFlip implements Transform {

    private final double p;

    /**
     * Creates the transform.
     *
     * @param p probability of flipping, in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code p} is out of range
     */
    public RandomHorizontalFlip(double p) {
        this.p = Checks.probability("p", p);
    }

    @Override
    public Image apply(Image in, RandomGenerator rng) {
        return rng.nextDouble() < p ? flip(in) : in;
    }

    /**
     * Mirrors the columns of an image in place.
     *
     * @param in the image
     * @return {@code in}, flipped
     */
    public static Image flip(Image in) {
        float[] d = in.data();
        int w = in.width();
        int rows = in.channels() * in.height();
        for (int r = 0; r < rows; r++) {
            int a = r * w;
            int b = a + w - 1;
            while (a < b) {
                float t = d[a];
                d[a++] = d[b];
                d[b--] = t;
            }
        }
        return in;
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(p=" + p + ")";
    }
}
