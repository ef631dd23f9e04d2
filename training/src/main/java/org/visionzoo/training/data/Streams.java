package org.visionzoo.training.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reading helpers shared by the readers: gzip detection and bounded, growing reads. */
final class Streams {

    /** The most bytes any single array of a dataset may have: 1 GiB. */
    static final long MAX_BYTES = 1L << 30;

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
            InputStream in = gzipped ? new GZIPInputStream(buffered, 1 << 16) : buffered;
            return reader.read(in, gzipped);
        } catch (DatasetException e) {
            throw e;
        } catch (EOFException e) {
            throw new DatasetException(file, "truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new DatasetException(file, "corrupt gzip stream (" + e.getMessage() + ")", e);
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
