package org.visionzoo.core.io;

import java.io.BufferedOutputStream;
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
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy's {@code .npz} archives: a zip of {@code <name>.npy} entries, as written
 * by {@code numpy.savez} (stored) and {@code numpy.savez_compressed} (deflated).
 *
 * <p>Entries are read into the heap. To guard against zip bombs, an entry's declared uncompressed
 * size must equal the size its npy header implies, and no more than that is ever inflated.
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
        try (ZipFile zip = open(path)) {
            List<TensorData> tensors = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (ZipEntry entry : Collections.list(zip.entries())) {
                TensorData tensor = readEntry(path, zip, entry);
                if (!names.add(tensor.name())) {
                    throw new TensorFormatException(
                            path, "duplicate entry '" + entry.getName() + "' in the archive");
                }
                tensors.add(tensor);
            }
            return tensors;
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
        AtomicFiles.write(
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
        } catch (ZipException e) {
            throw new TensorFormatException(path, "not a zip archive: " + e.getMessage(), e);
        }
    }

    private static TensorData readEntry(Path path, ZipFile zip, ZipEntry entry) throws IOException {
        String entryName = entry.getName();
        String source = path + " (entry '" + entryName + "')";
        if (entry.isDirectory() || !entryName.endsWith(SUFFIX)) {
            throw new TensorFormatException(
                    source, "expected only " + SUFFIX + " entries, as numpy.savez writes");
        }
        long declared = entry.getSize();
        if (declared < 0) {
            throw new TensorFormatException(source, "the entry does not declare its size");
        }
        String name = entryName.substring(0, entryName.length() - SUFFIX.length());
        try (InputStream in = zip.getInputStream(entry)) {
            Npy.Counted counted = Npy.readCounted(name, in, declared, source);
            if (counted.bytes() != declared || in.read() >= 0) {
                throw new TensorFormatException(
                        source,
                        "the entry declares "
                                + declared
                                + " bytes, but its npy header and data take "
                                + counted.bytes()
                                + (counted.bytes() == declared ? " and more data follows" : ""));
            }
            return counted.tensor();
        } catch (ZipException e) {
            throw new TensorFormatException(source, "corrupt entry: " + e.getMessage(), e);
        }
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
