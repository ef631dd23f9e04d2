package org.visionzoo.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/** Reads, maps and writes regions of channels in full; shared by the readers and writers. */
final class FileRegions {

    /**
     * The most bytes handed to one channel write. FileChannel copies a heap buffer into a temporary
     * direct buffer of the same size and caches it per thread, so writing a 300 MB heap tensor in
     * one call would pin 300 MB of native memory.
     */
    private static final int WRITE_CHUNK = 1 << 20;

    private FileRegions() {}

    /**
     * Reads exactly {@code length} bytes at {@code position}; the caller has checked that the file
     * is long enough.
     *
     * @throws EOFException if the file shrank meanwhile
     */
    static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new EOFException(
                        "file ended after " + (position + buffer.position()) + " bytes");
            }
        }
        return buffer.flip();
    }

    /**
     * Maps a read-only region; the caller has checked that it lies within the file and is shorter
     * than 2^31 bytes. The mapping outlives the channel.
     */
    static ByteBuffer map(FileChannel channel, long position, long length) throws IOException {
        if (length == 0) {
            return ByteBuffer.allocate(0);
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, position, length);
    }

    /** Writes all remaining bytes of {@code source}, without moving its position. */
    static void writeAll(WritableByteChannel channel, ByteBuffer source) throws IOException {
        ByteBuffer view = source.duplicate();
        int end = view.limit();
        while (view.position() < end) {
            view.limit((int) Math.min(end, (long) view.position() + WRITE_CHUNK));
            while (view.hasRemaining()) {
                channel.write(view);
            }
        }
    }
}
