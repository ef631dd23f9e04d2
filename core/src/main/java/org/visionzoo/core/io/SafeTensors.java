package org.visionzoo.core.io;

import com.google.gson.stream.JsonWriter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format.
 *
 * <p>Layout: an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON
 *
 * <pre>{@code {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3],
 *  "data_offsets": [begin, end]}, ...}}</pre>
 *
 * then the data region, to which the offsets are relative.
 */
public final class SafeTensors {

    /** The size of the header length prefix. */
    private static final int PREFIX_BYTES = Long.BYTES;

    /** The reference implementation's limit, which keeps a hostile header from filling the heap. */
    private static final long MAX_HEADER_BYTES = 100_000_000;

    /** The data region starts at a multiple of this, so mapped tensors are aligned. */
    private static final int ALIGNMENT = 8;

    private SafeTensors() {}

    /**
     * Opens a safetensors file and validates its header; tensors are mapped when asked for.
     *
     * @param path the file, treated as untrusted
     * @return the open file, to be closed by the caller
     * @throws TensorFormatException if the file is malformed: truncated, a header length beyond the
     *     file or over 100 MB, a header that does not start with <code>{</code> (a byte-order mark,
     *     leading blanks) or is not a JSON object of valid entries, an unknown dtype, a negative
     *     dimension, offsets out of the data region, overlapping or leaving gaps, bytes after the
     *     last tensor, a shape that does not match its byte range, or a name given twice (the
     *     reference implementation's rules)
     * @throws IOException if reading fails
     */
    public static TensorFile read(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long headerLength = readHeaderLength(path, channel);
            long dataStart = PREFIX_BYTES + headerLength;
            ByteBuffer json = FileRegions.read(channel, PREFIX_BYTES, (int) headerLength);
            if (headerLength == 0 || json.get(0) != '{') {
                // No byte-order mark, no leading blanks: the reference implementation refuses them.
                throw new TensorFormatException(path, "the header must start with '{', found "
                        + (headerLength == 0 ? "nothing" : String.format("byte 0x%02x", json.get(0) & 0xff)));
            }
            Reader reader =
                    new InputStreamReader(
                            new ByteArrayInputStream(json.array()),
                            StandardCharsets.UTF_8.newDecoder());
            SafeTensorsHeader header =
                    SafeTensorsHeader.parse(path.toString(), reader, channel.size() - dataStart);
            return new TensorFile(path, channel, dataStart, header);
        } catch (Throwable failure) {
            closeAfterFailure(channel, failure);
            throw failure;
        }
    }

    /**
     * Writes tensors to a safetensors file, replacing it atomically: on failure an existing file is
     * left untouched and no temporary file remains.
     *
     * <p>Tensors are laid out in list order and streamed from their buffers, so the total may be
     * far larger than the heap. The header is padded with spaces to a multiple of 8 bytes, as the
     * reference implementation does.
     *
     * @param path the file to create or replace
     * @param tensors the tensors, with unique names other than {@code __metadata__}
     * @param metadata string metadata for the header, or {@code null} or empty for none
     * @throws IllegalArgumentException if two tensors share a name or one is named {@code
     *     __metadata__}
     * @throws IOException if writing fails
     */
    public static void write(Path path, List<TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        TensorNames.requireUnique(tensors);
        for (TensorData tensor : tensors) {
            if (tensor.name().equals(SafeTensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException(
                        "a tensor may not be named " + SafeTensorsHeader.METADATA_KEY);
            }
        }
        ByteBuffer header = encodeHeader(tensors, metadata == null ? Map.of() : metadata);
        AtomicFile.writeChannel(
                path,
                channel -> {
                    FileRegions.writeAll(channel, header);
                    for (TensorData tensor : tensors) {
                        FileRegions.writeAll(channel, tensor.data());
                    }
                });
    }

    /** Reads and range-checks the header length, an unsigned 64-bit integer. */
    private static long readHeaderLength(Path path, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < PREFIX_BYTES) {
            throw new TensorFormatException(
                    path,
                    "file is "
                            + size
                            + " bytes; expected at least "
                            + PREFIX_BYTES
                            + " for the header length");
        }
        long length = FileRegions.read(channel, 0, PREFIX_BYTES).getLong();
        if (Long.compareUnsigned(length, MAX_HEADER_BYTES) > 0) {
            throw new TensorFormatException(
                    path,
                    "header length "
                            + Long.toUnsignedString(length)
                            + " exceeds the limit of "
                            + MAX_HEADER_BYTES
                            + " bytes");
        }
        if (length > size - PREFIX_BYTES) {
            throw new TensorFormatException(
                    path,
                    "header length "
                            + length
                            + " is beyond the end of the file: only "
                            + (size - PREFIX_BYTES)
                            + " bytes follow the length");
        }
        return length;
    }

    /** Returns the length prefix and the padded JSON header, ready to write. */
    private static ByteBuffer encodeHeader(List<TensorData> tensors, Map<String, String> metadata) {
        byte[] json = headerJson(tensors, metadata).getBytes(StandardCharsets.UTF_8);
        int padded = Math.addExact(json.length, (ALIGNMENT - json.length % ALIGNMENT) % ALIGNMENT);
        if (padded > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(
                    "the header of "
                            + tensors.size()
                            + " tensors exceeds "
                            + MAX_HEADER_BYTES
                            + " bytes");
        }
        ByteBuffer buffer =
                ByteBuffer.allocate(PREFIX_BYTES + padded).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(padded).put(json);
        while (buffer.hasRemaining()) {
            buffer.put((byte) ' ');
        }
        return buffer.flip();
    }

    private static String headerJson(List<TensorData> tensors, Map<String, String> metadata) {
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.beginObject();
            if (!metadata.isEmpty()) {
                json.name(SafeTensorsHeader.METADATA_KEY).beginObject();
                for (Map.Entry<String, String> entry : metadata.entrySet()) {
                    json.name(Objects.requireNonNull(entry.getKey(), "metadata key"))
                            .value(Objects.requireNonNull(entry.getValue(), "metadata value"));
                }
                json.endObject();
            }
            long offset = 0;
            for (TensorData tensor : tensors) {
                long end = Math.addExact(offset, tensor.data().remaining());
                json.name(tensor.name()).beginObject();
                json.name("dtype").value(tensor.dtype().safetensorsName());
                writeLongs(json.name("shape"), tensor.shape());
                writeLongs(json.name("data_offsets"), offset, end);
                json.endObject();
                offset = end;
            }
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return text.toString();
    }

    private static void writeLongs(JsonWriter json, long... values) throws IOException {
        json.beginArray();
        for (long value : values) {
            json.value(value);
        }
        json.endArray();
    }

    private static void closeAfterFailure(FileChannel channel, Throwable failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
