package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Builds tensor files byte by byte and checks the errors of malformed ones. */
public final class IoTestSupport {

    private IoTestSupport() {}

    /** Asserts a {@link TensorFormatException} whose message names the file and the problem. */
    static void assertFormatError(ThrowingCallable read, Path file, String... problem) {
        assertThatThrownBy(read)
                .isInstanceOf(TensorFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContainingAll(problem);
    }

    /** Writes a safetensors file by hand: the JSON's length, the JSON, then the data. */
    static Path safetensors(Path dir, String json, byte[] data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return write(
                dir.resolve("hand.safetensors"),
                ByteBuffer.allocate(8 + header.length + data.length)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(header.length)
                        .put(header)
                        .put(data)
                        .array());
    }

    /** Writes a safetensors file whose header is a single F32 tensor entry, 8 bytes of data. */
    static Path safetensorsEntry(Path dir, String entry) throws IOException {
        return safetensors(dir, "{\"w\":" + entry + "}", new byte[8]);
    }

    /** Writes an npy file by hand: magic, version, header length, header text, data. */
    static Path npy(Path dir, int major, String header, byte[] data) throws IOException {
        return write(dir.resolve("hand.npy"), npyBytes(major, header, data));
    }

    /** Returns the bytes of an npy file; the header text is taken as given, without padding. */
    /**
     * The version 1.0 header of a one-dimensional npy array, without its data.
     *
     * @param descr the dtype, e.g. {@code <f4}
     * @param length the number of elements
     * @return the header bytes
     */
    public static byte[] npyHeader(String descr, long length) {
        return npyBytes(1, npyDict(descr, "False", "(" + length + ",)"), new byte[0]);
    }

    static byte[] npyBytes(int major, String header, byte[] data) {
        byte[] text = header.getBytes(StandardCharsets.UTF_8);
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer out =
                ByteBuffer.allocate(8 + lengthBytes + text.length + data.length)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            out.putShort((short) text.length);
        } else {
            out.putInt(text.length);
        }
        return out.put(text).put(data).array();
    }

    /** Returns an npy header dictionary in numpy's spelling. */
    static String npyDict(String descr, String fortranOrder, String shape) {
        return "{'descr': '"
                + descr
                + "', 'fortran_order': "
                + fortranOrder
                + ", 'shape': "
                + shape
                + ", }\n";
    }

    /** Returns little-endian bytes of floats. */
    static byte[] floatBytes(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /** Returns little-endian bytes of 16-bit values, such as halves and bfloat16s. */
    static byte[] shortBytes(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putShort((short) value);
        }
        return buffer.array();
    }

    /** Returns a tensor's bytes as an array. */
    static byte[] bytes(TensorData tensor) {
        ByteBuffer data = tensor.data();
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }

    /** Lists a directory's file names, to check that no temporary file was left behind. */
    static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Path write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        return file;
    }
}
