package org.visionzoo.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads and writes NumPy's <a
 * href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">{@code .npy}
 * format</a>: the magic {@code \x93NUMPY}, a version, a header length, a Python dictionary literal
 * with the descr, fortran_order and shape, then the array's bytes.
 *
 * <p>Versions 1.0, 2.0 and 3.0 are read, little-endian numeric and boolean arrays only; object
 * arrays, which would need pickle, are refused.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** The magic and the two version bytes. */
    private static final int FIXED_BYTES = MAGIC.length + 2;

    /** Headers are padded so that the data starts at a multiple of this, as numpy.save does. */
    private static final int ALIGNMENT = 64;

    /** Far more than any real header needs, and small enough to read into the heap. */
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private static final String FORTRAN_ORDER =
            "Fortran-order arrays are not supported; save with np.ascontiguousarray";

    /** What precedes the data: its validated type and shape and its own length in bytes. */
    record Preamble(DType dtype, long[] shape, long length) {}

    /** A tensor read from a stream and the number of bytes it took, header included. */
    record Counted(TensorData tensor, long bytes) {}

    private Npy() {}

    /**
     * Reads an {@code .npy} file; its data is memory-mapped, not copied.
     *
     * @param path the file, treated as untrusted
     * @return the array, named after the file without {@code .npy}
     * @throws TensorFormatException if the file is not a supported npy array: bad magic, an
     *     unsupported version, a malformed header, an unsupported or big-endian descr, Fortran
     *     order, or data shorter or longer than the header says
     * @throws IOException if reading fails
     */
    public static TensorData read(Path path) throws IOException {
        String source = path.toString();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            // Not closed: closing the stream would close the channel, which try does.
            InputStream in = Channels.newInputStream(channel);
            Preamble preamble = readPreamble(in, size, source);
            long dataBytes = dataBytes(preamble, size, source);
            // dataBytes() has ruled out too few bytes; more than the header declares is as wrong.
            long found = size - preamble.length();
            if (found != dataBytes) {
                throw new TensorFormatException(
                        source,
                        "expected "
                                + dataBytes
                                + " data bytes for "
                                + layout(preamble)
                                + " after the header, found "
                                + found);
            }
            ByteBuffer data = FileRegions.map(channel, preamble.length(), dataBytes);
            return TensorData.of(baseName(path), preamble.dtype(), preamble.shape(), data);
        }
    }

    /**
     * Reads an npy array from a stream, such as an entry of an {@code .npz} archive, into the heap.
     * Reads exactly the header and the data, and no more than {@code sizeLimit} bytes in all;
     * memory grows only as data actually arrives, so a lying header cannot exhaust the heap.
     *
     * @param name the name to give the tensor
     * @param in the stream, positioned at the magic; left open
     * @param sizeLimit the most bytes the array may occupy, header included
     * @param source describes the stream for messages, naming the file it comes from
     * @return the array
     * @throws TensorFormatException if the array is not a supported npy array, or header and data
     *     exceed {@code sizeLimit} or the stream ends early
     * @throws IOException if reading fails
     */
    public static TensorData read(String name, InputStream in, long sizeLimit, String source)
            throws IOException {
        return readCounted(name, in, sizeLimit, source).tensor();
    }

    /** Like {@link #read(String, InputStream, long, String)}, also counting the bytes read. */
    static Counted readCounted(String name, InputStream in, long sizeLimit, String source)
            throws IOException {
        Preamble preamble = readPreamble(in, sizeLimit, source);
        long dataBytes = dataBytes(preamble, sizeLimit, source);
        byte[] data = readExactly(in, (int) dataBytes, "data of " + layout(preamble), source);
        ByteBuffer buffer = ByteBuffer.wrap(data);
        TensorData tensor = TensorData.of(name, preamble.dtype(), preamble.shape(), buffer);
        return new Counted(tensor, preamble.length() + dataBytes);
    }

    /**
     * Writes an array to an {@code .npy} file of format version 1.0 (2.0 if the header needs more
     * than 64 KiB), replacing it atomically: on failure an existing file is left untouched and no
     * temporary file remains.
     *
     * @param path the file to create or replace
     * @param tensor the array
     * @throws IllegalArgumentException if the type has no NumPy equivalent ({@link DType#BF16})
     * @throws IOException if writing fails
     */
    public static void write(Path path, TensorData tensor) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(encodeHeader(tensor));
        AtomicFile.writeChannel(
                path,
                channel -> {
                    FileRegions.writeAll(channel, header);
                    FileRegions.writeAll(channel, tensor.data());
                });
    }

    /**
     * Returns everything before the data: magic, version, header length and the header, padded with
     * spaces and a newline so that the data starts at a multiple of 64 bytes.
     *
     * @throws IllegalArgumentException if the type has no NumPy equivalent
     */
    static byte[] encodeHeader(TensorData tensor) {
        String descr =
                tensor.dtype()
                        .numpyDescr()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "tensor '"
                                                        + tensor.name()
                                                        + "': NumPy has no "
                                                        + tensor.dtype()
                                                        + " type; convert it to F32 first"));
        String dict = NpyHeader.format(descr, tensor.shape());
        // Version 1.0 stores the header length in 2 bytes; a longer header needs version 2.0.
        byte[] text = padHeader(dict, 2);
        boolean version1 = text.length <= 0xffff;
        if (!version1) {
            text = padHeader(dict, 4);
        }
        ByteBuffer out =
                ByteBuffer.allocate(FIXED_BYTES + (version1 ? 2 : 4) + text.length)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .put(MAGIC);
        if (version1) {
            out.put((byte) 1).put((byte) 0).putShort((short) text.length);
        } else {
            out.put((byte) 2).put((byte) 0).putInt(text.length);
        }
        return out.put(text).array();
    }

    /** Pads the dictionary with spaces and a newline so the data starts 64-byte aligned. */
    private static byte[] padHeader(String dict, int lengthBytes) {
        int unpadded = FIXED_BYTES + lengthBytes + dict.length() + 1;
        int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
        return (dict + " ".repeat(padding) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    static Preamble readPreamble(InputStream in, long sizeLimit, String source)
            throws IOException {
        byte[] fixed = readExactly(in, FIXED_BYTES, "magic and version", source);
        if (!Arrays.equals(fixed, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new TensorFormatException(
                    source,
                    "not an npy file: expected the magic \\x93NUMPY, found bytes "
                            + HexFormat.ofDelimiter(" ").formatHex(fixed, 0, MAGIC.length));
        }
        int major = fixed[MAGIC.length];
        int minor = fixed[MAGIC.length + 1];
        if (minor != 0 || major < 1 || major > 3) {
            throw new TensorFormatException(
                    source,
                    "unsupported npy format version "
                            + major
                            + "."
                            + minor
                            + "; expected 1.0, 2.0 or 3.0");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer lengthField =
                ByteBuffer.wrap(readExactly(in, lengthBytes, "header length", source))
                        .order(ByteOrder.LITTLE_ENDIAN);
        long headerBytes =
                major == 1
                        ? Short.toUnsignedLong(lengthField.getShort())
                        : Integer.toUnsignedLong(lengthField.getInt());
        long length = FIXED_BYTES + lengthBytes + headerBytes;
        if (headerBytes > MAX_HEADER_BYTES) {
            throw new TensorFormatException(
                    source,
                    "header length " + headerBytes + " exceeds the limit of " + MAX_HEADER_BYTES);
        }
        if (length > sizeLimit) {
            throw new TensorFormatException(
                    source,
                    "header length "
                            + headerBytes
                            + " extends beyond the "
                            + sizeLimit
                            + " bytes of the source (truncated)");
        }
        // Versions 1.0 and 2.0 write the header in Latin-1, 3.0 in UTF-8.
        Charset charset = major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        String text = new String(readExactly(in, (int) headerBytes, "header", source), charset);
        NpyHeader.Fields fields = NpyHeader.parse(source, text);
        DType dtype =
                DType.findNumpy(fields.descr())
                        .orElseThrow(
                                () ->
                                        new TensorFormatException(
                                                source, DType.unknownNumpyMessage(fields.descr())));
        // For fewer than two dimensions Fortran and C order lay out the same bytes.
        if (fields.fortranOrder() && fields.shape().length > 1) {
            throw new TensorFormatException(source, FORTRAN_ORDER);
        }
        return new Preamble(dtype, fields.shape(), length);
    }

    /** Returns the data size the header declares, checked to fit the limit and a Java buffer. */
    static long dataBytes(Preamble preamble, long sizeLimit, String source)
            throws TensorFormatException {
        long bytes;
        try {
            bytes = TensorData.byteCount(preamble.dtype(), preamble.shape());
        } catch (ArithmeticException e) {
            throw new TensorFormatException(
                    source, "the byte count of " + layout(preamble) + " overflows 64 bits", e);
        }
        long available = sizeLimit - preamble.length();
        if (bytes > available) {
            throw new TensorFormatException(
                    source,
                    layout(preamble)
                            + " needs "
                            + bytes
                            + " data bytes, but at most "
                            + available
                            + " follow the header (truncated)");
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new TensorFormatException(
                    source,
                    layout(preamble)
                            + " is "
                            + bytes
                            + " bytes; arrays of 2^31 bytes or more are not supported");
        }
        return bytes;
    }

    /** Reads exactly {@code length} bytes; the buffer grows with what arrives, not upfront. */
    private static byte[] readExactly(InputStream in, int length, String what, String source)
            throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new TensorFormatException(
                    source,
                    "truncated: expected "
                            + length
                            + " bytes of "
                            + what
                            + ", found "
                            + bytes.length);
        }
        return bytes;
    }

    private static String layout(Preamble preamble) {
        return preamble.dtype() + " " + Arrays.toString(preamble.shape());
    }

    private static String baseName(Path path) {
        String name = path.getFileName().toString();
        return name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
    }
}
