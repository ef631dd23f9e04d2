package org.visionzoo.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * An open safetensors file, as returned by {@link SafeTensors#read(Path)}.
 *
 * <p>The header has been validated when this object exists; tensors are memory-mapped one by one
 * when {@link #get(String) asked for}, so files far larger than the heap can be read. A tensor
 * stays valid after this file is closed. Safe for use by several threads.
 */
public final class TensorFile implements AutoCloseable {

    /** The largest tensor a Java buffer can hold; larger ones would need several mappings. */
    private static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, SafeTensorsHeader.Entry> entries;
    private final List<String> names;

    TensorFile(Path path, FileChannel channel, long dataStart, SafeTensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.metadata = header.metadata();
        Map<String, SafeTensorsHeader.Entry> byName = new LinkedHashMap<>();
        for (SafeTensorsHeader.Entry entry : header.entries()) {
            byName.put(entry.name(), entry);
        }
        this.entries = Collections.unmodifiableMap(byName);
        this.names = List.copyOf(byName.keySet());
    }

    /**
     * Returns the file this was read from.
     *
     * @return the path given to {@link SafeTensors#read(Path)}
     */
    public Path path() {
        return path;
    }

    /**
     * Returns the names of the tensors in file order, which is ascending order of data offset.
     *
     * @return an unmodifiable list of the names
     */
    public List<String> names() {
        return names;
    }

    /**
     * Returns the metadata of the header's {@code __metadata__} entry.
     *
     * @return an unmodifiable map, in file order; empty if the file has none
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Maps one tensor of the file; each call maps its region anew.
     *
     * @param name the tensor's name, one of {@link #names()}
     * @return the tensor, whose bytes are a read-only mapping of the file
     * @throws NoSuchElementException if the file has no such tensor
     * @throws TensorFormatException if the tensor is 2^31 bytes or larger, which a Java buffer
     *     cannot hold
     * @throws IllegalStateException if this file is closed
     * @throws IOException if mapping fails
     */
    public TensorData get(String name) throws IOException {
        SafeTensorsHeader.Entry entry = entries.get(name);
        if (entry == null) {
            throw new NoSuchElementException(path + ": no tensor named '" + name + "'");
        }
        if (entry.length() > MAX_TENSOR_BYTES) {
            throw new TensorFormatException(
                    path,
                    "tensor '"
                            + name
                            + "' is "
                            + entry.length()
                            + " bytes; tensors of 2^31 bytes or more are not supported");
        }
        if (!channel.isOpen()) {
            throw new IllegalStateException(path + " is closed");
        }
        return TensorData.of(
                name,
                entry.dtype(),
                entry.shape(),
                FileRegions.map(channel, dataStart + entry.begin(), entry.length()));
    }

    /**
     * Closes the file. Tensors already returned by {@link #get} stay valid.
     *
     * @throws IOException if closing fails
     */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Describes the file.
     *
     * @return the path and the number of tensors
     */
    @Override
    public String toString() {
        return "TensorFile[" + path + ", " + entries.size() + " tensors]";
    }
}
