package org.visionzoo.training.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Builds small dataset files for the tests: IDX, gzip, tar, CIFAR records. */
final class DataFiles {

    private DataFiles() {}

    /** An IDX file: the magic, the dimensions, then the data. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    /** An IDX image file of {@code n} images of {@code rows x cols}, pixel k = k mod 251. */
    static byte[] images(int n, int rows, int cols) {
        return idx(Idx.IMAGES_MAGIC, new int[] {n, rows, cols}, pattern(n * rows * cols, 0));
    }

    /** An IDX label file. */
    static byte[] labels(int... labels) {
        byte[] data = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            data[i] = (byte) labels[i];
        }
        return idx(Idx.LABELS_MAGIC, new int[] {labels.length}, data);
    }

    /** Bytes {@code (start + k) mod 251}. */
    static byte[] pattern(int n, int start) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) {
            b[k] = (byte) ((start + k) % 251);
        }
        return b;
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One CIFAR record: the label bytes, then 3072 pixels starting at {@code seed}. */
    static byte[] cifarRecord(int seed, int... labelBytes) {
        byte[] r = new byte[labelBytes.length + 3072];
        for (int i = 0; i < labelBytes.length; i++) {
            r[i] = (byte) labelBytes[i];
        }
        System.arraycopy(pattern(3072, seed), 0, r, labelBytes.length, 3072);
        return r;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Writes tar archives by hand: ustar headers, octal fields, 512-byte padding. */
    static final class TarWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        TarWriter file(String name, byte[] data) {
            return entry(name, data, '0');
        }

        TarWriter dir(String name) {
            return entry(name, new byte[0], '5');
        }

        /** An entry, preceded by a GNU long-name entry if the name is over 100 bytes. */
        private TarWriter entry(String name, byte[] data, char type) {
            if (name.length() > 100) {
                byte[] longName = (name + "\0").getBytes(StandardCharsets.UTF_8);
                header("././@LongLink", longName.length, 'L');
                body(longName);
                name = name.substring(0, 100);
            }
            header(name, data.length, type);
            body(data);
            return this;
        }

        /** The raw header of the next entry, so tests can corrupt it. */
        TarWriter header(String name, long size, char type) {
            out.writeBytes(headerBytes(name, size, type));
            return this;
        }

        static byte[] headerBytes(String name, long size, char type) {
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", size));
            put(h, 136, "00000000000");
            h[156] = (byte) type;
            put(h, 257, "ustar");
            put(h, 263, "00");
            Arrays.fill(h, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : h) {
                sum += b & 0xFF;
            }
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            h[155] = ' ';
            return h;
        }

        TarWriter body(byte[] data) {
            out.writeBytes(data);
            out.writeBytes(new byte[(512 - data.length % 512) % 512]);
            return this;
        }

        byte[] finish() {
            out.writeBytes(new byte[1024]);
            return out.toByteArray();
        }

        private static void put(byte[] h, int off, String s) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, h, off, b.length);
        }
    }
}
