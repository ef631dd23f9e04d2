package org.visionzoo.training.data;

import org.visionzoo.training.transform.Image;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, in-memory labelled image dataset with unsigned 8-bit pixels, as decoded by the
 * readers of this package.
 *
 * <p>Images are stored one after the other, each in {@link #layout()} order ({@code CHW} for every
 * reader here; for one channel {@code CHW} and {@code HWC} are the same bytes). Pixels are
 * unsigned: read them with {@code b & 0xFF}.
 */
public final class ImageDataset implements LabeledImages {

    /** The order of the pixel bytes of one image. */
    public enum Layout {
        /** Channel, then row, then column: {@code [c][h][w]}. */
        CHW,
        /** Row, then column, then channel: {@code [h][w][c]}. */
        HWC
    }

    private final String name;
    private final int channels;
    private final int height;
    private final int width;
    private final Layout layout;
    private final byte[] pixels;
    private final int[] labels;
    private final List<String> classNames;

    /**
     * Creates a dataset; the arrays are taken over, not copied, so the caller must not change them
     * afterwards.
     *
     * @param name a name for messages, such as {@code fashion-mnist/train}
     * @param channels channels per image, at least 1
     * @param height rows per image, at least 1
     * @param width columns per image, at least 1
     * @param layout the order of each image's bytes
     * @param pixels {@code labels.length * channels * height * width} bytes
     * @param labels one label per image, each in {@code [0, classNames.size())}
     * @param classNames the name of each class
     * @throws IllegalArgumentException if the sizes or labels do not fit together
     */
    ImageDataset(
            String name,
            int channels,
            int height,
            int width,
            Layout layout,
            byte[] pixels,
            int[] labels,
            List<String> classNames) {
        this.name = Objects.requireNonNull(name, "name");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.classNames = List.copyOf(classNames);
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(
                    "expected " + expected + " pixel bytes, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= this.classNames.size()) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " at index " + i + " is out of range");
            }
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /**
     * Creates a dataset from copies of the given arrays.
     *
     * @param name a name for messages
     * @param channels channels per image, at least 1
     * @param height rows per image, at least 1
     * @param width columns per image, at least 1
     * @param layout the order of each image's bytes
     * @param pixels {@code labels.length * channels * height * width} bytes, image after image
     * @param labels one label per image, each in {@code [0, classNames.size())}
     * @param classNames the name of each class
     * @return the dataset
     * @throws IllegalArgumentException if the sizes or labels do not fit together
     */
    public static ImageDataset of(
            String name,
            int channels,
            int height,
            int width,
            Layout layout,
            byte[] pixels,
            int[] labels,
            List<String> classNames) {
        return new ImageDataset(
                name, channels, height, width, layout, pixels.clone(), labels.clone(), classNames);
    }

    /**
     * Returns this dataset with its images in another layout.
     *
     * @param target the layout wanted, such as {@code HWC} for DJL's {@code ToTensor}
     * @return {@code this} if it already has that layout (or has one channel, where both layouts
     *     are the same bytes; the layout reported is then {@code target}), else a transposed copy
     */
    public ImageDataset withLayout(Layout target) {
        Objects.requireNonNull(target, "target");
        if (target == layout) {
            return this;
        }
        if (channels == 1) {
            return new ImageDataset(name, 1, height, width, target, pixels, labels, classNames);
        }
        int plane = height * width;
        int n = imageBytes();
        byte[] out = new byte[pixels.length];
        for (int img = 0; img < labels.length; img++) {
            int base = img * n;
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < plane; p++) {
                    int chw = base + c * plane + p;
                    int hwc = base + p * channels + c;
                    if (target == Layout.HWC) {
                        out[hwc] = pixels[chw];
                    } else {
                        out[chw] = pixels[hwc];
                    }
                }
            }
        }
        return new ImageDataset(name, channels, height, width, target, out, labels, classNames);
    }

    /**
     * Returns the name given by the reader, such as {@code fashion-mnist/train}.
     *
     * @return the name
     */
    @Override
    public String name() {
        return name;
    }

    /**
     * Returns the number of images.
     *
     * @return the number of images
     */
    @Override
    public int size() {
        return labels.length;
    }

    /**
     * Returns the number of channels per image (1 for MNIST, 3 for CIFAR).
     *
     * @return the channels
     */
    @Override
    public int channels() {
        return channels;
    }

    /**
     * Returns the height of each image in pixels.
     *
     * @return the rows per image
     */
    public int height() {
        return height;
    }

    /**
     * Returns the width of each image in pixels.
     *
     * @return the columns per image
     */
    public int width() {
        return width;
    }

    /**
     * Returns the order of the bytes of each image.
     *
     * @return the layout
     */
    public Layout layout() {
        return layout;
    }

    /**
     * Returns the number of bytes of one image, {@code channels * height * width}.
     *
     * @return the bytes per image
     */
    public int imageBytes() {
        return channels * height * width;
    }

    /**
     * Returns a copy of one image's pixels.
     *
     * @param i the index of the image
     * @return {@link #imageBytes()} unsigned bytes in {@link #layout()} order
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, size())}
     */
    public byte[] image(int i) {
        Objects.checkIndex(i, labels.length);
        int n = imageBytes();
        return Arrays.copyOfRange(pixels, i * n, i * n + n);
    }

    /**
     * Returns every image's pixels, one image after the other, without copying them.
     *
     * @return a read-only buffer of {@code size() * imageBytes()} bytes, positioned at 0
     */
    public ByteBuffer pixels() {
        return ByteBuffer.wrap(pixels).asReadOnlyBuffer();
    }

    /**
     * Returns the label of one image.
     *
     * @param i the index of the image
     * @return the label, in {@code [0, classNames().size())}
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, size())}
     */
    @Override
    public int label(int i) {
        return labels[Objects.checkIndex(i, labels.length)];
    }

    /**
     * Returns a copy of all labels.
     *
     * @return one label per image
     */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * Returns the name of each class; label {@code k} names class {@code classNames().get(k)}.
     *
     * @return an unmodifiable list
     */
    @Override
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Counts the images of each class.
     *
     * @return an array of {@code classNames().size()} counts
     */
    public int[] labelHistogram() {
        int[] counts = new int[classNames.size()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * Converts one image to floats in {@code [0, 1]}, {@code CHW}, whatever this dataset's layout.
     *
     * @param index the index of the image
     * @return a new image
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
     */
    @Override
    public Image load(int index) {
        Objects.checkIndex(index, labels.length);
        int n = imageBytes();
        if (layout == Layout.CHW || channels == 1) {
            return Image.fromU8(pixels, index * n, channels, height, width);
        }
        float[] out = new float[n];
        int base = index * n;
        int plane = height * width;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < channels; c++) {
                out[c * plane + p] = (pixels[base + p * channels + c] & 0xFF) / 255f;
            }
        }
        return new Image(channels, height, width, out);
    }

    @Override
    public String toString() {
        return name
                + "["
                + size()
                + " x "
                + channels
                + "x"
                + height
                + "x"
                + width
                + " "
                + layout
                + ", "
                + classNames.size()
                + " classes]";
    }
}
