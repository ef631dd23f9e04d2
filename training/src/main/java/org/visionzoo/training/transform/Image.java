package org.visionzoo.training.transform;

import java.util.Arrays;
import java.util.Objects;

/**
 * A float image in {@code CHW} order: {@code data[(c * height + y) * width + x]}.
 *
 * <p>An image is a mutable buffer passed along a pipeline: a {@link Transform} <em>takes over</em>
 * its input and may change it in place and return it (flips, normalization, erasing) or return a
 * new image (crops, resizes). A caller that still needs the input afterwards must pass a
 * {@link #copy()}. Images are not thread-safe; each belongs to one pipeline run at a time.
 */
public final class Image {

    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;

    /**
     * Wraps an array (not copied).
     *
     * @param channels channels, at least 1
     * @param height rows, at least 1
     * @param width columns, at least 1
     * @param data {@code channels * height * width} values in {@code CHW} order
     * @throws IllegalArgumentException if a dimension is not positive or the length does not match
     */
    public Image(int channels, int height, int width, float[] data) {
        Objects.requireNonNull(data, "data");
        long n = checkedSize(channels, height, width);
        if (data.length != n) {
            throw new IllegalArgumentException(
                    "data.length must be channels*height*width = " + channels + "*" + height + "*"
                            + width + " = " + n + ", got " + data.length);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
    }

    /**
     * Creates a zero-filled image.
     *
     * @param channels channels, at least 1
     * @param height rows, at least 1
     * @param width columns, at least 1
     * @return a new image of zeros
     * @throws IllegalArgumentException if a dimension is not positive or the size is too large
     */
    public static Image zeros(int channels, int height, int width) {
        return new Image(channels, height, width,
                new float[(int) checkedSize(channels, height, width)]);
    }

    /**
     * Converts unsigned 8-bit {@code CHW} pixels to floats in {@code [0, 1]}, dividing by 255 as
     * torchvision's {@code ToTensor} does.
     *
     * @param chw at least {@code channels * height * width} bytes, read as unsigned
     * @param channels channels, at least 1
     * @param height rows, at least 1
     * @param width columns, at least 1
     * @return a new image
     * @throws IllegalArgumentException if the shape is invalid or the array length does not match
     */
    public static Image fromU8(byte[] chw, int channels, int height, int width) {
        Objects.requireNonNull(chw, "chw");
        long n = checkedSize(channels, height, width);
        if (chw.length != n) {
            throw new IllegalArgumentException(
                    "chw.length must be channels*height*width = " + n + ", got " + chw.length);
        }
        return fromU8(chw, 0, channels, height, width);
    }

    /**
     * Converts one image of unsigned 8-bit {@code CHW} pixels, starting at {@code offset} in a
     * larger array (such as a whole dataset's pixels), to floats in {@code [0, 1]}.
     *
     * @param src the bytes, read as unsigned
     * @param offset index of the image's first byte
     * @param channels channels, at least 1
     * @param height rows, at least 1
     * @param width columns, at least 1
     * @return a new image
     * @throws IllegalArgumentException if the shape is invalid or the range is outside {@code src}
     */
    public static Image fromU8(byte[] src, int offset, int channels, int height, int width) {
        Objects.requireNonNull(src, "src");
        long n = checkedSize(channels, height, width);
        if (offset < 0 || offset + n > src.length) {
            throw new IllegalArgumentException("offset " + offset + " + size " + n
                    + " is outside the source array of length " + src.length);
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = (src[offset + i] & 0xFF) / 255f;
        }
        return new Image(channels, height, width, out);
    }

    static long checkedSize(int channels, int height, int width) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        }
        if (height < 1) {
            throw new IllegalArgumentException("height must be >= 1, got " + height);
        }
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        long n = (long) channels * height * width;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("image " + channels + "x" + height + "x" + width
                    + " has too many elements: " + n);
        }
        return n;
    }

    /**
     * Returns the number of channels.
     *
     * @return channels
     */
    public int channels() {
        return channels;
    }

    /**
     * Returns the number of rows.
     *
     * @return height
     */
    public int height() {
        return height;
    }

    /**
     * Returns the number of columns.
     *
     * @return width
     */
    public int width() {
        return width;
    }

    /**
     * Returns the backing array itself (not a copy), in {@code CHW} order.
     *
     * @return the pixel values
     */
    public float[] data() {
        return data;
    }

    /**
     * Returns one value.
     *
     * @param c channel
     * @param y row
     * @param x column
     * @return {@code data[(c * height + y) * width + x]}
     */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    /**
     * Returns a deep copy.
     *
     * @return a new image with a copy of the data
     */
    public Image copy() {
        return new Image(channels, height, width, data.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image other && channels == other.channels && height == other.height
                && width == other.width && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * channels + height) + width) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Image[" + channels + "x" + height + "x" + width + "]";
    }
}
