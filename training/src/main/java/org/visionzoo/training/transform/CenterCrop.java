package org.visionzoo.training.transform;

import org.visionzoo.core.Checks;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code CenterCrop(size)}: the window starts at {@code round((in - out) / 2)}
 * (half to even) in each dimension; a dimension smaller than the crop is first zero-padded,
 * {@code (out - in) / 2} before and the rest after, as torchvision does. Deterministic.
 */
public final class CenterCrop implements Transform {

    private final int height;
    private final int width;

    /**
     * Creates a square center crop.
     *
     * @param size output height and width, at least 1
     * @throws IllegalArgumentException if {@code size} is out of range
     */
    public CenterCrop(int size) {
        this(size, size);
    }

    /**
     * Creates a center crop.
     *
     * @param height output rows, at least 1
     * @param width output columns, at least 1
     * @throws IllegalArgumentException if an argument is out of range
     */
    public CenterCrop(int height, int width) {
        this.height = Checks.atLeast("height", height, 1);
        this.width = Checks.atLeast("width", width, 1);
    }

    /**
     * Returns the window, in input coordinates (negative where the input is padded).
     *
     * @param imageHeight input rows
     * @param imageWidth input columns
     * @return the window
     */
    public CropBox box(int imageHeight, int imageWidth) {
        return new CropBox(offset(imageHeight, height), offset(imageWidth, width), height, width);
    }

    private static int offset(int in, int out) {
        return out > in ? -((out - in) / 2) : ImageKernels.roundHalfEven((in - out) / 2.0);
    }

    @Override
    public Image apply(Image in, RandomGenerator rng) {
        CropBox b = box(in.height(), in.width());
        if (b.top() == 0 && b.left() == 0 && height == in.height() && width == in.width()) {
            return in;
        }
        return ImageKernels.crop(in, b.top(), b.left(), height, width, 0f);
    }

    @Override
    public String toString() {
        return "CenterCrop(" + height + "x" + width + ")";
    }
}
