package org.visionzoo.training.transform;

import org.visionzoo.core.Checks;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomCrop(size, padding, fill=fill)}: pads every side with {@code padding}
 * constant {@code fill} pixels, then crops {@code height x width} at an offset drawn uniformly
 * (rows first, then columns). The padding is never materialized.
 *
 * <p>The CIFAR recipe is {@code new RandomCrop(32, 4, 0f)}.
 */
public final class RandomCrop implements Transform {

    private final int height;
    private final int width;
    private final int padding;
    private final float fill;

    /**
     * Creates a square random crop.
     *
     * @param size output height and width, at least 1
     * @param padding pixels of constant padding on every side, at least 0
     * @param fill the padding value (in the image's units, e.g. {@code [0, 1]})
     * @throws IllegalArgumentException if an argument is out of range
     */
    public RandomCrop(int size, int padding, float fill) {
        this(size, size, padding, fill);
    }

    /**
     * Creates a random crop.
     *
     * @param height output height, at least 1
     * @param width output width, at least 1
     * @param padding pixels of constant padding on every side, at least 0
     * @param fill the padding value (finite)
     * @throws IllegalArgumentException if an argument is out of range
     */
    public RandomCrop(int height, int width, int padding, float fill) {
        this.height = Checks.atLeast("height", height, 1);
        this.width = Checks.atLeast("width", width, 1);
        this.padding = Checks.atLeast("padding", padding, 0);
        this.fill = Checks.finite("fill", fill);
    }

    /**
     * Draws the crop window in the coordinates of the unpadded image (so {@code top} and
     * {@code left} may be negative, down to {@code -padding}).
     *
     * @param imageHeight input rows
     * @param imageWidth input columns
     * @param rng the generator
     * @return the window
     * @throws IllegalArgumentException if the padded image is smaller than the crop
     */
    public CropBox sample(int imageHeight, int imageWidth, RandomGenerator rng) {
        int ph = imageHeight + 2 * padding;
        int pw = imageWidth + 2 * padding;
        if (ph < height || pw < width) {
            throw new IllegalArgumentException("crop size " + height + "x" + width
                    + " is larger than the padded image " + ph + "x" + pw);
        }
        int i = Transforms.uniformInt(rng, ph - height + 1);
        int j = Transforms.uniformInt(rng, pw - width + 1);
        return new CropBox(i - padding, j - padding, height, width);
    }

    @Override
    public Image apply(Image in, RandomGenerator rng) {
        CropBox b = sample(in.height(), in.width(), rng);
        return ImageKernels.crop(in, b.top(), b.left(), height, width, fill);
    }

    @Override
    public String toString() {
        return "RandomCrop(" + height + "x" + width + ", padding=" + padding + ", fill=" + fill
                + ")";
    }
}
