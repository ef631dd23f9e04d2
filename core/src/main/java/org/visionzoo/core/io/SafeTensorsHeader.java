package org.visionzoo.core.io;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed and validated JSON header of a safetensors file.
 *
 * <p>The header is parsed with a streaming {@link JsonReader} rather than into a tree, because a
 * tree keeps only the last of two equal keys and a duplicate tensor name must be an error.
 */
final class SafeTensorsHeader {

    /** The header key that holds the string-to-string metadata instead of a tensor. */
    static final String METADATA_KEY = "__metadata__";

    /** One tensor's validated entry; {@code begin} and {@code end} are relative to the data. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        long length() {
            return end - begin;
        }

        private String range() {
            return "'" + name + "' (bytes " + begin + ".." + end + ")";
        }
    }

    /** An entry as the JSON spells it, before validation; a field is null when absent. */
    private record RawEntry(String name, String dtype, long[] shape, long[] offsets) {}

    private final Map<String, String> metadata;
    private final List<Entry> entries;

    private SafeTensorsHeader(Map<String, String> metadata, List<Entry> entries) {
        this.metadata = metadata;
        this.entries = entries;
    }

    /** Returns the metadata, unmodifiable, in file order. */
    Map<String, String> metadata() {
        return metadata;
    }

    /** Returns the entries, unmodifiable, in ascending order of their data offsets. */
    List<Entry> entries() {
        return entries;
    }

    /**
     * Parses and validates a header.
     *
     * @param source the file, for messages
     * @param json the header text
     * @param dataSize the number of bytes after the header, which every tensor must lie within
     * @throws TensorFormatException if the header is malformed or inconsistent with the file
     */
    static SafeTensorsHeader parse(String source, Reader json, long dataSize)
            throws TensorFormatException {
        Map<String, String> metadata = new LinkedHashMap<>();
        List<RawEntry> raw = new ArrayList<>();
        try {
            JsonReader reader = new JsonReader(json);
            reader.setStrictness(Strictness.STRICT);
            readTopLevel(source, reader, metadata, raw);
        } catch (TensorFormatException e) {
            throw e;
        } catch (CharacterCodingException e) {
            throw new TensorFormatException(source, "header is not valid UTF-8", e);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // The reader reads from memory, so any of these is malformed JSON.
            throw new TensorFormatException(
                    source, "header is not valid JSON: " + firstLine(e.getMessage()), e);
        }
        List<Entry> entries = new ArrayList<>(raw.size());
        for (RawEntry entry : raw) {
            entries.add(validate(source, entry, dataSize));
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkContiguous(source, entries, dataSize);
        return new SafeTensorsHeader(
                Collections.unmodifiableMap(metadata), Collections.unmodifiableList(entries));
    }

    private static void readTopLevel(
            String source, JsonReader reader, Map<String, String> metadata, List<RawEntry> raw)
            throws IOException {
        expect(source, reader, JsonToken.BEGIN_OBJECT, "the header to be a JSON object");
        reader.beginObject();
        Set<String> keys = new HashSet<>();
        while (reader.hasNext()) {
            String key = reader.nextName();
            if (!keys.add(key)) {
                String kind = key.equals(METADATA_KEY) ? "key" : "tensor name";
                throw new TensorFormatException(
                        source, "duplicate " + kind + " '" + key + "' in the header");
            }
            if (key.equals(METADATA_KEY)) {
                readMetadata(source, reader, metadata);
            } else {
                raw.add(readEntry(source, reader, key));
            }
        }
        reader.endObject();
        if (reader.peek() != JsonToken.END_DOCUMENT) {
            throw new TensorFormatException(
                    source, "unexpected " + reader.peek() + " after the header's JSON object");
        }
    }

    private static void readMetadata(String source, JsonReader reader, Map<String, String> out)
            throws IOException {
        if (reader.peek() == JsonToken.NULL) {
            reader.nextNull();
            return;
        }
        expect(source, reader, JsonToken.BEGIN_OBJECT, METADATA_KEY + " to be an object");
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            expect(
                    source,
                    reader,
                    JsonToken.STRING,
                    METADATA_KEY + " value of '" + key + "' to be a string");
            if (out.put(key, reader.nextString()) != null) {
                throw new TensorFormatException(
                        source, "duplicate key '" + key + "' in " + METADATA_KEY);
            }
        }
        reader.endObject();
    }

    private static RawEntry readEntry(String source, JsonReader reader, String name)
            throws IOException {
        String what = "tensor '" + name + "'";
        expect(
                source,
                reader,
                JsonToken.BEGIN_OBJECT,
                what + " to be an object with dtype, shape and data_offsets");
        reader.beginObject();
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        Set<String> fields = new HashSet<>();
        while (reader.hasNext()) {
            String field = reader.nextName();
            if (!fields.add(field)) {
                throw new TensorFormatException(source, what + ": duplicate field '" + field + "'");
            }
            switch (field) {
                case "dtype" -> {
                    expect(source, reader, JsonToken.STRING, what + " dtype to be a string");
                    dtype = reader.nextString();
                }
                case "shape" -> shape = readIntegers(source, reader, what + " shape");
                case "data_offsets" ->
                        offsets = readIntegers(source, reader, what + " data_offsets");
                    // Unknown fields are skipped, as the reference reader does for forward
                    // compatibility.
                default -> reader.skipValue();
            }
        }
        reader.endObject();
        return new RawEntry(name, dtype, shape, offsets);
    }

    /** Reads an array of integers; a fraction, exponent or out-of-range number is an error. */
    private static long[] readIntegers(String source, JsonReader reader, String what)
            throws IOException {
        expect(source, reader, JsonToken.BEGIN_ARRAY, what + " to be an array of integers");
        reader.beginArray();
        List<Long> values = new ArrayList<>();
        while (reader.hasNext()) {
            if (values.size() == TensorData.MAX_DIMS) {
                // Bounds the memory a hostile header can make us spend on one array.
                throw new TensorFormatException(
                        source,
                        "expected " + what + " to hold at most " + TensorData.MAX_DIMS + " values");
            }
            expect(source, reader, JsonToken.NUMBER, what + " to hold only integers");
            // nextString() gives the literal, so 1.0 and 1e3 are rejected instead of rounded.
            String literal = reader.nextString();
            try {
                values.add(Long.parseLong(literal));
            } catch (NumberFormatException e) {
                throw new TensorFormatException(
                        source,
                        "expected " + what + " to hold only 64-bit integers, found " + literal,
                        e);
            }
        }
        reader.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static void expect(String source, JsonReader reader, JsonToken token, String what)
            throws IOException {
        JsonToken found = reader.peek();
        if (found != token) {
            throw new TensorFormatException(source, "expected " + what + ", found " + found);
        }
    }

    private static Entry validate(String source, RawEntry raw, long dataSize)
            throws TensorFormatException {
        String what = "tensor '" + raw.name() + "'";
        requireField(source, what, "dtype", raw.dtype());
        requireField(source, what, "shape", raw.shape());
        requireField(source, what, "data_offsets", raw.offsets());
        DType dtype =
                DType.findSafetensors(raw.dtype())
                        .orElseThrow(
                                () ->
                                        new TensorFormatException(
                                                source,
                                                what
                                                        + ": "
                                                        + DType.unknownSafetensorsMessage(
                                                                raw.dtype())));
        long[] shape = raw.shape();
        if (Arrays.stream(shape).anyMatch(dim -> dim < 0)) {
            throw new TensorFormatException(
                    source,
                    what
                            + ": expected non-negative dimensions, found shape "
                            + Arrays.toString(shape));
        }
        long[] offsets = raw.offsets();
        if (offsets.length != 2 || offsets[0] < 0 || offsets[0] > offsets[1]) {
            throw new TensorFormatException(
                    source,
                    what
                            + ": expected data_offsets [begin, end] with 0 <= begin <= end, found "
                            + Arrays.toString(offsets));
        }
        if (offsets[1] > dataSize) {
            throw new TensorFormatException(
                    source,
                    what
                            + ": data_offsets end "
                            + offsets[1]
                            + " is beyond the data region of "
                            + dataSize
                            + " bytes");
        }
        checkByteCount(source, what, dtype, shape, offsets[1] - offsets[0]);
        return new Entry(raw.name(), dtype, shape, offsets[0], offsets[1]);
    }

    private static void requireField(String source, String what, String field, Object value)
            throws TensorFormatException {
        if (value == null) {
            throw new TensorFormatException(source, what + ": missing field '" + field + "'");
        }
    }

    private static void checkByteCount(
            String source, String what, DType dtype, long[] shape, long length)
            throws TensorFormatException {
        String layout = dtype + " " + Arrays.toString(shape);
        long expected;
        try {
            expected = TensorData.byteCount(dtype, shape);
        } catch (ArithmeticException e) {
            throw new TensorFormatException(
                    source, what + ": the byte count of " + layout + " overflows 64 bits", e);
        }
        if (expected != length) {
            throw new TensorFormatException(
                    source,
                    what
                            + ": "
                            + layout
                            + " needs "
                            + expected
                            + " bytes, but data_offsets span "
                            + length);
        }
    }

    /**
     * Checks that the tensors, sorted by offset, fill the data region exactly, one after the
     * other from byte 0 to its end, as the reference implementation requires: no overlap, no gap,
     * nothing after the last tensor. Empty tensors occupy no bytes.
     */
    private static void checkContiguous(String source, List<Entry> sorted, long dataSize)
            throws TensorFormatException {
        long next = 0;
        Entry previous = null;
        for (Entry entry : sorted) {
            if (entry.length() == 0 && entry.begin() <= next) {
                continue;
            }
            if (entry.begin() < next) {
                throw new TensorFormatException(source, "tensors " + previous.range() + " and " + entry.range() + " overlap");
            }
            if (entry.begin() > next) {
                throw new TensorFormatException(source, "gap of " + (entry.begin() - next) + " bytes before tensor "
                        + entry.range() + ": tensors must follow one another from the start of the data");
            }
            next = entry.end();
            previous = entry;
        }
        if (next != dataSize) {
            throw new TensorFormatException(source, (dataSize - next) + " bytes after the last tensor (the data"
                    + " region is " + dataSize + " bytes, the tensors end at " + next + ")");
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unexpected end";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
