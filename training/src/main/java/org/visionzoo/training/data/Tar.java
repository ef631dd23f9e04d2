package org.visionzoo.training.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of tar streams (ustar, with GNU long names): 512-byte headers with octal sizes,
 * contents padded to 512 bytes. Only regular files are returned; directories, links, pax headers
 * and the like are skipped. The archive is untrusted: checksums are verified and sizes bounded.
 */
final class Tar {

    private static final int BLOCK = 512;

    /** A GNU long name is the name of the next entry; no real one comes near this. */
    private static final int MAX_LONG_NAME = 1 << 16;

    /** One regular file of the archive. */
    record Entry(String name, long size) {}

    private final InputStream in;
    private final String archive;
    private final byte[] header = new byte[BLOCK];

    /** Unread bytes of the current entry, then its padding to a whole block. */
    private long remaining;

    private long padding;

    /** The offset of the next header, for messages. */
    private long offset;

    Tar(InputStream in, String archive) {
        this.in = in;
        this.archive = archive;
    }

    /**
     * Skips what is left of the current entry and returns the next regular file.
     *
     * @return the entry, or {@code null} at the end of the archive
     */
    Entry next() throws IOException {
        String longName = null;
        while (true) {
            skip(remaining + padding);
            remaining = 0;
            padding = 0;
            long headerOffset = offset;
            int n = in.readNBytes(header, 0, BLOCK);
            if (n == 0) {
                return null; // no end-of-archive blocks: tolerated, as GNU tar does
            }
            if (n < BLOCK) {
                throw error(
                        headerOffset,
                        "truncated: expected a 512-byte header, found " + n + " bytes");
            }
            offset += BLOCK;
            if (isZero(header)) {
                return null;
            }
            checkChecksum(headerOffset);
            long size = size(headerOffset);
            char type = (char) header[156];
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            if (type == 'L') {
                if (size > MAX_LONG_NAME) {
                    throw error(headerOffset, "GNU long name of " + size + " bytes is too long");
                }
                byte[] name = read(size, archive, "GNU long name");
                longName = cString(name, 0, name.length);
                continue;
            }
            if (type != '0' && type != '\0') {
                longName = null;
                continue;
            }
            String name = longName != null ? longName : name();
            return new Entry(name, size);
        }
    }

    /** Reads the whole content of the current entry, which must have at most the limit. */
    byte[] readContent(String source) throws IOException {
        if (remaining > Streams.MAX_BYTES) {
            throw new DatasetException(
                    source,
                    "entry of " + remaining + " bytes is over the limit of " + Streams.MAX_BYTES);
        }
        return read(remaining, source, "entry data");
    }

    private byte[] read(long size, String source, String what) throws IOException {
        byte[] data = Streams.readExactly(in, size, source, what);
        remaining -= size;
        offset += size;
        return data;
    }

    private void skip(long n) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw new DatasetException(
                    archive, "truncated: an entry ends past the end of the archive", e);
        }
        offset += n;
    }

    private void checkChecksum(long at) throws DatasetException {
        long stored = octal(148, 8, at, "checksum");
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xFF;
        }
        if (sum != stored) {
            throw error(
                    at,
                    "header checksum is "
                            + stored
                            + " but the header sums to "
                            + sum
                            + " (not a tar archive, or a corrupt one)");
        }
    }

    private long size(long at) throws DatasetException {
        if ((header[124] & 0x80) != 0) {
            // GNU base-256 for sizes of 8 GiB and more: far over the limit anyway.
            throw error(
                    at,
                    "entry size in base-256 (8 GiB or more) is over the limit of "
                            + Streams.MAX_BYTES);
        }
        return octal(124, 12, at, "size");
    }

    private long octal(int off, int len, long at, String field) throws DatasetException {
        long value = 0;
        int i = off;
        int end = off + len;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        int digits = 0;
        for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
            int d = header[i] - '0';
            if (d < 0 || d > 7) {
                throw error(
                        at,
                        "expected an octal "
                                + field
                                + ", found '"
                                + cString(header, off, len)
                                + "'");
            }
            value = value * 8 + d;
            digits++;
        }
        if (digits == 0) {
            throw error(at, "expected an octal " + field + ", found none");
        }
        return value;
    }

    private String name() {
        String name = cString(header, 0, 100);
        boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? cString(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private DatasetException error(long at, String problem) {
        return new DatasetException(archive, "tar header at offset " + at + ": " + problem);
    }
}
