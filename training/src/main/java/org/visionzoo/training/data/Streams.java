package org.visionzoo.training.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reading helpers shared by the readers: gzip detection and bounded, growing reads. */
final class Streams {

    /** The most bytes any single array of a dataset may have: 1 GiB. */
    static final long MAX_BYTES = 1L << 30;

    /** The most items (images, labels, records) any dataset file may declare. */
    static final long MAX_ITEMS = 1L << 24;

    /**
     * What a reader may leave unread at the end of a gzip stream (a tar's zero blocks) for the
     * stream's end to be checked.
     */
    private static final long MAX_AFTER_END = 1L << 20;

    /** Buffers start at most this big and double as data really arrives. */
    private static final int INITIAL_BUFFER = 1 << 24;

    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private Streams() {}

    /** Something that reads from an opened stream. */
    @FunctionalInterface
    interface StreamReader<T> {
        T read(InputStream in, boolean gzipped) throws IOException;
    }

    /**
     * Opens a file, decompressing it if it starts with the gzip magic {@code 1f 8b} (whatever its
     * name), runs the reader and closes the file; turns the errors of a broken gzip stream into a
     * {@link DatasetException} naming the file.
     */
    static <T> T read(Path file, StreamReader<T> reader) throws IOException {
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "file not found", e);
        }
        try (InputStream buffered = new BufferedInputStream(raw, 1 << 16)) {
            boolean gzipped = isGzip(buffered);
            if (!gzipped) {
                return reader.read(buffered, false);
            }
            CRC32 crc = new CRC32();
            CountingInputStream in = new CountingInputStream(new CheckedInputStream(new GZIPInputStream(buffered, 1 << 16), crc));
            T result = reader.read(in, true);
            // A reader that read to the end of its data (an IDX file, a tar's end blocks) leaves
            // little: then the file must end with this stream's trailer.
            if (skipAtMost(in, MAX_AFTER_END)) {
                checkSingleMember(file, crc.getValue(), in.count());
            }
            return result;
        } catch (DatasetException e) {
            throw e;
        } catch (EOFException e) {
            throw new DatasetException(file, "truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new DatasetException(file, "corrupt gzip stream (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Checks that the file ends with the trailer of the one gzip member just read: its CRC-32 and
     * length. The JDK's reader silently ignores whatever follows a member that does not parse as
     * another one; Python's gzip module refuses such trailing bytes, and so does this.
     */
    private static void checkSingleMember(Path file, long crc, long length) throws IOException {
        ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(trailer, channel.size() - 8);
        }
        trailer.flip();
        if (trailer.remaining() != 8 || Integer.toUnsignedLong(trailer.getInt()) != crc
                || Integer.toUnsignedLong(trailer.getInt()) != (length & 0xFFFFFFFFL)) {
            throw new DatasetException(file, "data follows the gzip stream (trailing bytes, or a second gzip"
                    + " member): expected the file to end with the stream's trailer");
        }
    }

    /** Reads and discards up to {@code limit} bytes; true if the stream ended within them. */
    private static boolean skipAtMost(InputStream in, long limit) throws IOException {
        byte[] buf = new byte[8192];
        long skipped = 0;
        while (skipped <= limit) {
            int n = in.read(buf);
            if (n < 0) {
                return true;
            }
            skipped += n;
        }
        return false;
    }

    /** Counts the bytes read through it. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }

    /** Tells whether a mark-supporting stream starts with the gzip magic, without consuming it. */
    static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1;
    }

    /**
     * Reads exactly {@code expected} bytes, never allocating much more than has really arrived, so
     * a hostile header that declares a huge size fails on the short data, not with an {@link
     * OutOfMemoryError}.
     *
     * @param what what the bytes are, for the message
     */
    static byte[] readExactly(InputStream in, long expected, String source, String what)
            throws IOException {
        if (expected < 0 || expected > MAX_BYTES) {
            throw new DatasetException(
                    source,
                    what
                            + " would take "
                            + expected
                            + " bytes, more than the limit of "
                            + MAX_BYTES);
        }
        byte[] buf = new byte[(int) Math.min(expected, INITIAL_BUFFER)];
        int filled = 0;
        while (filled < expected) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(expected, 2L * buf.length));
            }
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) {
                throw new DatasetException(
                        source,
                        "truncated: expected "
                                + expected
                                + " bytes of "
                                + what
                                + ", found only "
                                + filled);
            }
            filled += n;
        }
        return buf;
    }

    /** Fails if the stream has any byte left. */
    static void expectEnd(InputStream in, String source, String what) throws IOException {
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw new DatasetException(
                    source,
                    "expected the file to end after " + what + ", found " + extra + " more bytes");
        }
    }
}
