package org.visionzoo.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Small files that declare far more than they hold, for the hostile-input tests of every module. */
public final class HostileFiles {

    private HostileFiles() {}

    /**
     * A PNG whose header declares {@code width x height} 8-bit grayscale pixels and whose data is
     * one deflated row: a few hundred bytes, valid up to the point where a decoder would allocate
     * the image (a decompression bomb).
     *
     * @param file where to write it (parent folders are created)
     * @param width the declared width
     * @param height the declared height
     * @return {@code file}
     * @throws IOException if writing fails
     */
    public static Path bombPng(Path file, int width, int height) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[width + 1]);
        deflater.finish();
        byte[] buf = new byte[1024];
        chunk(png, "IDAT", Arrays.copyOf(buf, deflater.deflate(buf)));
        deflater.end();
        chunk(png, "IEND", new byte[0]);
        return Files.write(file, png.toByteArray());
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
