package org.visionzoo.training.transform;

import org.visionzoo.core.Checks;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code Resize(size)} with an {@code int} size: the shorter side becomes
 * {@code size} and the longer {@code int(size * long / short)} (truncated), bilinear
 * ({@code align_corners=False}, <em>no</em> antialiasing). Deterministic.
 */
public final class Resize implements Transform {

    private final int size;

    /**
     * Creates the transform.
     *
     * @param size the length of the shorter side after resizing, at least 1
     * @throws IllegalArgumentException if {@code size} is out of range
     */
    public Resize(int size) {
        this.size = Checks.atLeast("size", size, 1);
    }

    /**
     * Returns the output size for an input size, as torchvision's
     * {@code _compute_resized_output_size}.
     *
     * @param height input rows
     * @param width input columns
     * @return {@code {outHeight, outWidth}}
     */
    public int[] outputSize(int height, int width) {
        int shorter = Math.min(height, width);
        int longer = Math.max(height, width);
        int newLong = (int) ((double) ((long) size * longer) / shorter);
        return width <= height ? new int[] {newLong, size} : new int[] {size, newLong};
    }

    @Override
    public Image apply(Image in, RandomGenerator rng) {
        int[] hw = outputSize(in.height(), in.width());
        return ImageKernels.resizeBilinear(in, 0, 0, in.height(), in.width(), hw[0], hw[1]);
    }

    @Override
    public String toString() {
        return "Resize(" + size + ")";
    }
}
