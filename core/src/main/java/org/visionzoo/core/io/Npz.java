package org.visionzoo.core.io;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy's {@code .npz} archives: a zip of {@code <name>.npy} entries, as written
 * by {@code numpy.savez} (stored) and {@code numpy.savez_compressed} (deflated).
 *
 * <p>Entries are read into the heap. To guard against zip bombs, an entry's declared uncompressed
 * size must equal the size its npy header implies, and no more than that is ever inflated; {@link
 * #entries} describes every entry from its npy header alone, so that a caller can check names and
 * shapes before inflating any data ({@code Weights.load} does). Every entry's CRC-32 is checked, as
 * {@code numpy.load} does: a flipped bit is an error, not a wrong weight.
 */
public final class Npz {

    private static final String SUFFIX = ".npy";

    /** Copying a buffer into the zip stream goes through a byte array of this size. */
    private static final int COPY_CHUNK = 1 << 16;

    private Npz() {}

    /**
     * Reads every array of an {@code .npz} archive.
     *
     * @param path the archive, treated as untrusted; must be on the default file system
     * @return the arrays in zip order, each named after its entry without {@code .npy}
     * @throws TensorFormatException if the file is not a zip, an entry is not an {@code .npy} file,
     *     two entries have the same name, an entry's declared size differs from what its npy header
     *     implies, or an entry is not a supported npy array (see {@link Npy#read(Path)})
     * @throws IOException if reading fails
     */
    public static List<TensorData> read(Path path) throws IOException {
        return read(path, name -> true);
    }

    /**
     * Reads the arrays of an {@code .npz} archive whose names are wanted; the others are checked
     * to be {@code .npy} entries and named, but never inflated.
     *
     * @param path the archive, treated as untrusted
     * @param wanted which arrays to read, by name (without {@code .npy})
     * @return the wanted arrays in zip order
     * @throws TensorFormatException as {@link #read(Path)}, or if an entry's CRC-32 does not match
     * @throws IOException if reading fails
     */
    public static List<TensorData> read(Path path, Predicate<String> wanted) throws IOException {
        try (ZipFile zip = open(path)) {
            List<TensorData> tensors = new ArrayList<>();
            for (ZipEntry entry : entries(path, zip)) {
                if (wanted.test(arrayName(entry))) {
                    tensors.add(readEntry(path, zip, entry));
                }
            }
            return tensors;
        }
    }

    /**
     * What an archive holds, from each entry's npy header alone (a few hundred bytes inflated per
     * entry), to check names, types and shapes before reading any data.
     *
     * @param name the array's name (the entry's without {@code .npy})
     * @param dtype its type
     * @param shape its shape
     */
    public record Entry(String name, DType dtype, long[] shape) {
        /** Copies the shape. */
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    /**
     * Describes every array of an {@code .npz} archive from its npy header, inflating no data.
     *
     * @param path the archive, treated as untrusted
     * @return the arrays in zip order
     * @throws TensorFormatException if the file is not a zip of {@code .npy} entries with unique
     *     names, or an entry's header is malformed or declares more data than the entry holds
     * @throws IOException if reading fails
     */
    public static List<Entry> entries(Path path) throws IOException {
        try (ZipFile zip = open(path)) {
            List<Entry> list = new ArrayList<>();
            for (ZipEntry entry : entries(path, zip)) {
                String source = path + " (entry '" + entry.getName() + "')";
                try (InputStream in = zip.getInputStream(entry)) {
                    Npy.Preamble preamble = Npy.readPreamble(in, entry.getSize(), source);
                    long data = Npy.dataBytes(preamble, entry.getSize(), source);
                    if (preamble.length() + data != entry.getSize()) {
                        throw sizeMismatch(source, entry.getSize(), preamble.length() + data, false);
                    }
                    list.add(new Entry(arrayName(entry), preamble.dtype(), preamble.shape()));
                } catch (TensorFormatException e) {
                    throw e;
                } catch (IOException e) {
                    throw corrupt(source, e);
                }
            }
            return list;
        }
    }

    /**
     * Writes arrays to an {@code .npz} archive of stored (uncompressed) entries, as {@code
     * numpy.savez} does, replacing it atomically: on failure an existing file is left untouched and
     * no temporary file remains.
     *
     * @param path the file to create or replace
     * @param tensors the arrays, with unique names; each becomes the entry {@code <name>.npy}
     * @throws IllegalArgumentException if two tensors share a name or one has a type NumPy lacks
     *     ({@link DType#BF16})
     * @throws IOException if writing fails
     */
    public static void write(Path path, List<TensorData> tensors) throws IOException {
        TensorNames.requireUnique(tensors);
        List<byte[]> headers = new ArrayList<>();
        for (TensorData tensor : tensors) {
            headers.add(Npy.encodeHeader(tensor));
        }
        AtomicFile.writeChannel(
                path,
                channel -> {
                    // Neither stream is closed: that would close the channel before it is forced.
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel));
                    ZipOutputStream zip = new ZipOutputStream(out);
                    for (int i = 0; i < tensors.size(); i++) {
                        writeEntry(zip, tensors.get(i), headers.get(i));
                    }
                    zip.finish();
                    out.flush();
                });
    }

    private static ZipFile open(Path path) throws IOException {
        try {
            return new ZipFile(path.toFile());
        } catch (ZipException | EOFException | IllegalArgumentException e) {
            throw new TensorFormatException(path, "not a zip archive: " + e.getMessage(), e);
        }
    }

    /** The archive's entries, checked to be {@code .npy} files that declare their size, named once. */
    private static List<ZipEntry> entries(Path path, ZipFile zip) throws TensorFormatException {
        List<ZipEntry> list = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<? extends ZipEntry> all;
        try {
            all = Collections.list(zip.entries());
        } catch (IllegalArgumentException e) {
            // the JDK decodes entry names lazily, and says so with an unchecked exception
            throw new TensorFormatException(path, "an entry name is not valid UTF-8 (" + e.getMessage() + ")", e);
        }
        for (ZipEntry entry : all) {
            String source = path + " (entry '" + entry.getName() + "')";
            if (entry.isDirectory() || !entry.getName().endsWith(SUFFIX)) {
                throw new TensorFormatException(source, "expected only " + SUFFIX + " entries, as numpy.savez writes");
            }
            if (entry.getSize() < 0) {
                throw new TensorFormatException(source, "the entry does not declare its size");
            }
            if (!names.add(arrayName(entry))) {
                throw new TensorFormatException(path, "duplicate entry '" + entry.getName() + "' in the archive");
            }
            list.add(entry);
        }
        return list;
    }

    private static String arrayName(ZipEntry entry) {
        return entry.getName().substring(0, entry.getName().length() - SUFFIX.length());
    }

    private static TensorData readEntry(Path path, ZipFile zip, ZipEntry entry) throws IOException {
        String source = path + " (entry '" + entry.getName() + "')";
        long declared = entry.getSize();
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(zip.getInputStream(entry), crc)) {
            Npy.Counted counted = Npy.readCounted(arrayName(entry), in, declared, source);
            boolean more = in.read() >= 0;
            if (counted.bytes() != declared || more) {
                throw sizeMismatch(source, declared, counted.bytes(), more);
            }
            if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                throw new TensorFormatException(source, String.format(Locale.ROOT,
                        "bad CRC-32: the entry declares %08x, its bytes give %08x (the file is corrupt)",
                        entry.getCrc(), crc.getValue()));
            }
            return counted.tensor();
        } catch (TensorFormatException e) {
            throw e;
        } catch (IOException e) {
            throw corrupt(source, e);
        }
    }

    /** The zip reader's own failure (a bad local header, data past the end) as a format error. */
    private static TensorFormatException corrupt(String source, IOException e) {
        return new TensorFormatException(source, "corrupt entry: " + (e.getMessage() != null ? e.getMessage()
                : e.getClass().getSimpleName() + " (the entry's data lies past the end of the file)"), e);
    }

    private static TensorFormatException sizeMismatch(String source, long declared, long found, boolean more) {
        return new TensorFormatException(source, "the entry declares " + declared
                + " bytes, but its npy header and data take " + found + (more ? " and more data follows" : ""));
    }

    /** Writes one stored entry, whose size and CRC a stored entry must declare upfront. */
    private static void writeEntry(ZipOutputStream zip, TensorData tensor, byte[] header)
            throws IOException {
        ByteBuffer data = tensor.data();
        CRC32 crc = new CRC32();
        crc.update(header);
        crc.update(data.duplicate());
        ZipEntry entry = new ZipEntry(tensor.name() + SUFFIX);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(header.length + (long) data.remaining());
        entry.setCompressedSize(entry.getSize());
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(header);
        byte[] chunk = new byte[COPY_CHUNK];
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            data.get(chunk, 0, n);
            zip.write(chunk, 0, n);
        }
        zip.closeEntry();
    }
}
