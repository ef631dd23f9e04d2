package org.visionzoo.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the <a href="http://yann.lecun.com/exdb/mnist/">IDX format</a> of MNIST and Fashion-MNIST:
 * a big-endian magic {@code 00 00 08 n} (unsigned bytes, {@code n} dimensions), the {@code n}
 * dimensions as big-endian 32-bit integers, then the bytes.
 *
 * <p>Files may be gzipped or not; gzip is recognized by its magic {@code 1f 8b}, not by the file
 * name. Files are untrusted: a wrong magic, a header whose dimensions do not match the data,
 * truncated or trailing data, a declared size over 1 GiB, or a label out of range fail with a
 * {@link DatasetException} naming the file and the problem.
 */
public final class Idx {

    /** The magic of an image file: unsigned bytes, 3 dimensions {@code [n, rows, cols]}. */
    public static final int IMAGES_MAGIC = 0x00000803;

    /** The magic of a label file: unsigned bytes, 1 dimension {@code [n]}. */
    public static final int LABELS_MAGIC = 0x00000801;

    /**
     * Images read from an IDX file.
     *
     * @param count the number of images
     * @param rows the rows of each image
     * @param cols the columns of each image
     * @param pixels {@code count * rows * cols} unsigned bytes, row-major; the array itself, not a
     *     copy
     */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    private Idx() {}

    /**
     * Reads an image file ({@code *-images-idx3-ubyte}, gzipped or not).
     *
     * @param file the file, treated as untrusted
     * @return the images
     * @throws DatasetException if the file is not a well-formed IDX image file
     * @throws IOException if reading fails
     */
    public static Images readImages(Path file) throws IOException {
        String source = file.toString();
        return Streams.read(
                file,
                (in, gzipped) -> {
                    long[] dims = readHeader(in, source, IMAGES_MAGIC, "images");
                    for (int d = 1; d < 3; d++) {
                        if (dims[d] == 0) {
                            throw new DatasetException(
                                    source,
                                    "image dimensions must be positive, found "
                                            + dims[1]
                                            + "x"
                                            + dims[2]);
                        }
                    }
                    long bytes = dims[0] * dims[1] * dims[2];
                    String what = "pixels for [" + dims[0] + ", " + dims[1] + ", " + dims[2] + "]";
                    byte[] pixels = readData(in, file, gzipped, 16, bytes, source, what);
                    return new Images((int) dims[0], (int) dims[1], (int) dims[2], pixels);
                });
    }

    /**
     * Reads a label file ({@code *-labels-idx1-ubyte}, gzipped or not).
     *
     * @param file the file, treated as untrusted
     * @param numClasses labels must be in {@code [0, numClasses)}
     * @return one label per image
     * @throws DatasetException if the file is not a well-formed IDX label file or a label is out of
     *     range
     * @throws IOException if reading fails
     * @throws IllegalArgumentException if {@code numClasses} is not in {@code 1..256}
     */
    public static int[] readLabels(Path file, int numClasses) throws IOException {
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException(
                    "numClasses must be in 1..256 for byte labels, got " + numClasses);
        }
        String source = file.toString();
        return Streams.read(
                file,
                (in, gzipped) -> {
                    long[] dims = readHeader(in, source, LABELS_MAGIC, "labels");
                    String what = "labels for [" + dims[0] + "]";
                    byte[] raw = readData(in, file, gzipped, 8, dims[0], source, what);
                    int[] labels = new int[raw.length];
                    for (int i = 0; i < raw.length; i++) {
                        labels[i] = raw[i] & 0xFF;
                        if (labels[i] >= numClasses) {
                            throw new DatasetException(
                                    source,
                                    "label "
                                            + labels[i]
                                            + " at index "
                                            + i
                                            + " is out of range 0.."
                                            + (numClasses - 1));
                        }
                    }
                    return labels;
                });
    }

    /** Reads and checks the magic and the dimensions. */
    private static long[] readHeader(InputStream in, String source, int magic, String kind)
            throws IOException {
        int ndims = magic & 0xFF;
        int found = readInt(Streams.readExactly(in, 4, source, "IDX magic"), 0);
        if (found != magic) {
            throw new DatasetException(
                    source,
                    String.format(
                            "expected the IDX %s magic 0x%08x (unsigned bytes, %d dimension%s),"
                                    + " found 0x%08x",
                            kind, magic, ndims, ndims == 1 ? "" : "s", found));
        }
        byte[] header =
                Streams.readExactly(in, 4L * ndims, source, "IDX dimensions after the magic");
        long[] dims = new long[ndims];
        long total = 1;
        for (int d = 0; d < ndims; d++) {
            dims[d] = Integer.toUnsignedLong(readInt(header, 4 * d));
            if (d == 0 && dims[0] > Streams.MAX_ITEMS) {
                throw new DatasetException(source, "header declares " + dims[0] + " " + kind
                        + ", more than the limit of " + Streams.MAX_ITEMS + " (a corrupt or hostile file?)");
            }
            total *= dims[d];
            if (total > Streams.MAX_BYTES || dims[d] > Streams.MAX_BYTES) {
                throw new DatasetException(
                        source,
                        "header declares "
                                + kind
                                + " of more than "
                                + Streams.MAX_BYTES
                                + " bytes (the limit); dimension "
                                + d
                                + " is "
                                + dims[d]);
            }
        }
        return dims;
    }

    /** Reads the data after a header, checking that there is exactly that much. */
    private static byte[] readData(
            InputStream in,
            Path file,
            boolean gzipped,
            long headerBytes,
            long bytes,
            String source,
            String what)
            throws IOException {
        if (!gzipped) {
            // Check the length before allocating anything.
            long found = Files.size(file) - headerBytes;
            if (found != bytes) {
                throw new DatasetException(
                        source,
                        (found < bytes ? "truncated: " : "")
                                + "expected "
                                + bytes
                                + " bytes of "
                                + what
                                + " after the header, found "
                                + found);
            }
        }
        byte[] data = Streams.readExactly(in, bytes, source, what);
        Streams.expectEnd(in, source, bytes + " bytes of " + what);
        return data;
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24
                | (b[off + 1] & 0xFF) << 16
                | (b[off + 2] & 0xFF) << 8
                | (b[off + 3] & 0xFF);
    }
}
