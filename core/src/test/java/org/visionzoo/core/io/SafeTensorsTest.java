package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.visionzoo.core.io.IoTestSupport.bytes;
import static org.visionzoo.core.io.IoTestSupport.fileNames;
import static org.visionzoo.core.io.IoTestSupport.floatBytes;
import static org.visionzoo.core.io.IoTestSupport.safetensors;
import static org.visionzoo.core.io.IoTestSupport.shortBytes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;

class SafeTensorsTest {

    @TempDir Path dir;

    @Test
    void roundTripsEveryDtypeScalarsEmptyTensorsAndMetadata() throws IOException {
        List<TensorData> tensors =
                List.of(
                        TensorData.ofFloats(
                                "f32", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                        tensor("f16", DType.F16, new long[] {2}, shortBytes(0x3c00, 0xc000)),
                        tensor("bf16", DType.BF16, new long[] {1, 2}, shortBytes(0x3f80, 0x4040)),
                        tensor("f64", DType.F64, new long[] {1}, le(8).putDouble(0.25).array()),
                        tensor("i64", DType.I64, new long[] {1}, le(8).putLong(-9).array()),
                        tensor("i32", DType.I32, new long[] {1}, le(4).putInt(1 << 30).array()),
                        tensor("i16", DType.I16, new long[] {2}, shortBytes(-1, 2)),
                        tensor("i8", DType.I8, new long[] {2}, new byte[] {-3, 4}),
                        tensor("u8", DType.U8, new long[] {2}, new byte[] {(byte) 200, 5}),
                        tensor("bool", DType.BOOL, new long[] {3}, new byte[] {1, 0, 1}),
                        TensorData.ofFloats("scalar", new long[0], new float[] {7}),
                        TensorData.ofFloats("empty", new long[] {0, 4}, new float[0]));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "ünïcode \"quoted\"");
        Path file = dir.resolve("all.safetensors");

        SafeTensors.write(file, tensors, metadata);

        try (TensorFile read = SafeTensors.read(file)) {
            assertThat(read.path()).isEqualTo(file);
            assertThat(read.metadata()).containsExactlyEntriesOf(metadata);
            assertThat(read.names())
                    .containsExactlyElementsOf(tensors.stream().map(TensorData::name).toList());
            for (TensorData expected : tensors) {
                TensorData actual = read.get(expected.name());
                assertThat(actual.dtype()).as(expected.name()).isEqualTo(expected.dtype());
                assertThat(actual.shape()).as(expected.name()).isEqualTo(expected.shape());
                assertThat(bytes(actual)).as(expected.name()).isEqualTo(bytes(expected));
            }
            assertThat(read.get("f16").toFloatArray()).containsExactly(1, -2);
            assertThat(read.get("bf16").toFloatArray()).containsExactly(1, 3);
            assertThat(read.get("u8").toFloatArray()).containsExactly(200, 5);
            assertThat(read.get("scalar").numel()).isEqualTo(1);
            assertThat(read.get("empty").toFloatArray()).isEmpty();
        }
    }

    @Test
    void readsAHandWrittenFileInOffsetOrder() throws IOException {
        // "b" comes first in the JSON but second in the data; names() follows the data.
        String json =
                "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[2,10]},"
                    + "\"__metadata__\":{\"format\":\"pt\"},"
                    + "\"a\":{\"shape\":[],\"dtype\":\"F16\",\"data_offsets\":[0,2],\"extra\":[1]}}"
                    + "   ";
        byte[] data =
                ByteBuffer.allocate(10)
                        .put(shortBytes(0xbc00))
                        .put(floatBytes(0.5f, -8))
                        .array();
        Path file = safetensors(dir, json, data);

        try (TensorFile read = SafeTensors.read(file)) {
            assertThat(read.names()).containsExactly("a", "b");
            assertThat(read.metadata()).containsExactly(Map.entry("format", "pt"));
            assertThat(read.get("a").shape()).isEmpty();
            assertThat(read.get("a").toFloatArray()).containsExactly(-1);
            assertThat(read.get("b").toFloatArray()).containsExactly(0.5f, -8);
        }
    }

    @Test
    void writesThePaddedHeaderAndListOrderLayout() throws IOException {
        Path file = dir.resolve("layout.safetensors");
        SafeTensors.write(
                file,
                List.of(
                        TensorData.ofFloats("z", new long[] {2}, new float[] {1, 2}),
                        tensor("a", DType.U8, new long[] {3}, new byte[] {7, 8, 9})),
                Map.of("format", "pt"));

        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        String expectedJson =
                "{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"z\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"a\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[8,11]}}";
        long headerLength = raw.getLong();
        assertThat(headerLength % 8).isZero();
        assertThat(headerLength - expectedJson.length()).isBetween(0L, 7L);
        byte[] header = new byte[(int) headerLength];
        raw.get(header);
        assertThat(new String(header, StandardCharsets.UTF_8))
                .isEqualTo(expectedJson + " ".repeat((int) headerLength - expectedJson.length()));
        byte[] data = new byte[raw.remaining()];
        raw.get(data);
        assertThat(data)
                .isEqualTo(
                        ByteBuffer.allocate(11)
                                .put(floatBytes(1, 2))
                                .put(new byte[] {7, 8, 9})
                                .array());
    }

    @Test
    void writesNoMetadataEntryWhenThereIsNone() throws IOException {
        Path file = dir.resolve("plain.safetensors");
        SafeTensors.write(
                file, List.of(TensorData.ofFloats("x", new long[] {1}, new float[] {1})), null);

        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8))
                .doesNotContain("__metadata__");
        try (TensorFile read = SafeTensors.read(file)) {
            assertThat(read.metadata()).isEmpty();
        }
    }

    @Test
    void tensorsStayValidAfterTheFileIsClosed() throws IOException {
        Path file = dir.resolve("closed.safetensors");
        SafeTensors.write(
                file,
                List.of(TensorData.ofFloats("x", new long[] {2}, new float[] {3, 4})),
                Map.of());

        TensorData x;
        TensorFile read = SafeTensors.read(file);
        try (read) {
            x = read.get("x");
        }
        assertThat(x.toFloatArray()).containsExactly(3, 4);
        assertThatThrownBy(() -> read.get("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void getOfAnUnknownNameNamesTheFile() throws IOException {
        Path file = dir.resolve("one.safetensors");
        SafeTensors.write(
                file, List.of(TensorData.ofFloats("x", new long[] {1}, new float[] {1})), Map.of());
        try (TensorFile read = SafeTensors.read(file)) {
            assertThatThrownBy(() -> read.get("y"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContainingAll(file.toString(), "'y'");
        }
    }

    @Test
    void overwritesTheFileItsTensorsAreMappedFrom() throws IOException {
        Path file = dir.resolve("self.safetensors");
        SafeTensors.write(
                file,
                List.of(TensorData.ofFloats("x", new long[] {2}, new float[] {1, 2})),
                Map.of());

        try (TensorFile read = SafeTensors.read(file)) {
            TensorData y = TensorData.ofFloats("y", new long[] {1}, new float[] {3});
            SafeTensors.write(file, List.of(y, read.get("x")), Map.of());
        }

        try (TensorFile read = SafeTensors.read(file)) {
            assertThat(read.names()).containsExactly("y", "x");
            assertThat(read.get("x").toFloatArray()).containsExactly(1, 2);
        }
    }

    @Test
    void writeRejectsDuplicateNamesAndKeepsTheExistingFile() throws IOException {
        Path file = dir.resolve("keep.safetensors");
        SafeTensors.write(
                file,
                List.of(TensorData.ofFloats("old", new long[] {1}, new float[] {1})),
                Map.of());
        byte[] before = Files.readAllBytes(file);
        TensorData x = TensorData.ofFloats("x", new long[] {1}, new float[] {2});

        assertThatThrownBy(() -> SafeTensors.write(file, List.of(x, x), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate tensor name 'x'");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(fileNames(dir)).containsExactly("keep.safetensors");
    }

    @Test
    void writeRejectsATensorNamedLikeTheMetadata() {
        TensorData bad = TensorData.ofFloats("__metadata__", new long[] {1}, new float[] {1});
        assertThatThrownBy(
                        () ->
                                SafeTensors.write(
                                        dir.resolve("m.safetensors"), List.of(bad), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("__metadata__");
    }

    /**
     * Tensors mapped from a file that is then truncated cannot be read any more: the write fails
     * half-way through, and must leave the existing target and no temporary file.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aWriteThatFailsHalfWayLeavesTheExistingFileAndNoTemporaryFile() throws IOException {
        Path source = dir.resolve("source.bin");
        Files.write(source, new byte[1 << 16]);
        TensorData mapped;
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.READ)) {
            mapped =
                    TensorData.of(
                            "m",
                            DType.U8,
                            new long[] {1 << 16},
                            channel.map(FileChannel.MapMode.READ_ONLY, 0, 1 << 16));
        }
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        Path target = dir.resolve("target.safetensors");
        SafeTensors.write(
                target,
                List.of(TensorData.ofFloats("old", new long[] {1}, new float[] {1})),
                Map.of());
        byte[] before = Files.readAllBytes(target);
        TensorData fine = TensorData.ofFloats("fine", new long[] {1}, new float[] {2});

        assertThatThrownBy(() -> SafeTensors.write(target, List.of(fine, mapped), Map.of()))
                .isInstanceOf(IOException.class);

        assertThat(Files.readAllBytes(target)).isEqualTo(before);
        assertThat(fileNames(dir)).containsExactly("source.bin", "target.safetensors");
    }

    /** A sparse file: only the header and the last tensor occupy disk, the rest reads as zeros. */
    @Test
    void mapsTensorsBeyond4GiBOfASeveralGigabyteFile() throws IOException {
        long gap = 5L << 30;
        String json =
                "{\"gap\":{\"dtype\":\"U8\",\"shape\":["
                        + gap
                        + "],\"data_offsets\":[0,"
                        + gap
                        + "]},"
                        + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":["
                        + gap
                        + ","
                        + (gap + 8)
                        + "]}}";
        Path file = safetensors(dir, json, new byte[0]);
        long dataStart = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(floatBytes(1.5f, -2)), dataStart + gap);
        }

        try (TensorFile read = SafeTensors.read(file)) {
            assertThat(read.names()).containsExactly("gap", "tail");
            assertThat(read.get("tail").toFloatArray()).containsExactly(1.5f, -2);
            assertThatThrownBy(() -> read.get("gap"))
                    .isInstanceOf(TensorFormatException.class)
                    .hasMessageContainingAll(file.toString(), "'gap'", "2^31");
        }
    }

    /** About 300 MB in four tensors, streamed out and mapped back in (a few seconds at most). */
    @Test
    void roundTripsHundredsOfMegabytes() throws IOException {
        // A random pattern whose length is prime, so a chunk written twice or skipped by the
        // power-of-two chunking of the writer shows up as a mismatch. Bulk copies keep this fast.
        byte[] pattern = new byte[1_000_003];
        new Random(42).nextBytes(pattern);
        int bytes = 75 << 20;
        List<TensorData> tensors = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(bytes);
            int offset = t * 7919;
            while (buffer.hasRemaining()) {
                int n = Math.min(buffer.remaining(), pattern.length - offset);
                buffer.put(pattern, offset, n);
                offset = 0;
            }
            tensors.add(
                    TensorData.of(
                            "t" + t, DType.F32, new long[] {bytes / 4096, 1024}, buffer.flip()));
        }
        Path file = dir.resolve("big.safetensors");

        SafeTensors.write(file, tensors, Map.of());

        assertThat(Files.size(file)).isGreaterThan(300_000_000L);
        try (TensorFile read = SafeTensors.read(file)) {
            for (TensorData expected : tensors) {
                TensorData actual = read.get(expected.name());
                assertThat(actual.shape()).isEqualTo(expected.shape());
                assertThat(actual.data().mismatch(expected.data()))
                        .as(expected.name())
                        .isEqualTo(-1);
            }
        }
    }

    private static TensorData tensor(String name, DType type, long[] shape, byte[] bytes) {
        return TensorData.of(name, type, shape, ByteBuffer.wrap(bytes));
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
