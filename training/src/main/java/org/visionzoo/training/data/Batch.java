package org.visionzoo.training.data;

import java.util.Objects;

/**
 * One batch from a {@link DataLoader}: transformed images as floats in {@code NCHW} order, their
 * labels, and the soft targets of a batch transform (mixup, cutmix) when one is set.
 *
 * @param index the batch's 0-based position in its epoch
 * @param images {@code size * channels * height * width} values
 * @param labels {@code size} class indices (the original labels, before any mixing)
 * @param softTargets {@code size * numClasses} target probabilities, or {@code null} when no
 *     batch transform mixed the batch
 * @param size the number of images
 * @param channels channels per image
 * @param height rows per image
 * @param width columns per image
 * @param numClasses the dataset's class count
 */
public record Batch(
        int index,
        float[] images,
        int[] labels,
        float[] softTargets,
        int size,
        int channels,
        int height,
        int width,
        int numClasses) {

    /**
     * Checks that the arrays fit the sizes.
     */
    public Batch {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        if (size < 1 || labels.length != size) {
            throw new IllegalArgumentException(
                    "labels.length must be size = " + size + ", got " + labels.length);
        }
        if ((long) size * channels * height * width != images.length) {
            throw new IllegalArgumentException("images.length must be " + size + "x" + channels
                    + "x" + height + "x" + width + ", got " + images.length);
        }
        if (softTargets != null && softTargets.length != (long) size * numClasses) {
            throw new IllegalArgumentException("softTargets.length must be " + size + "x"
                    + numClasses + ", got " + softTargets.length);
        }
    }

    /**
     * The shape of {@link #images()}.
     *
     * @return {@code {size, channels, height, width}}
     */
    public long[] imageShape() {
        return new long[] {size, channels, height, width};
    }
}
