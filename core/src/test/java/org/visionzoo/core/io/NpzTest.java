package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.visionzoo.core.io.IoTestSupport.assertFormatError;
import static org.visionzoo.core.io.IoTestSupport.bytes;
import static org.visionzoo.core.io.IoTestSupport.fileNames;
import static org.visionzoo.core.io.IoTestSupport.floatBytes;
import static org.visionzoo.core.io.IoTestSupport.npyBytes;
import static org.visionzoo.core.io.IoTestSupport.npyDict;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

class NpzTest {

    /**
     * {@code np.savez(f, x=np.arange(4, dtype=np.int32), y=np.array([[1.5, -2]],
     * dtype=np.float32))}.
     */
    private static final String NUMPY_SAVEZ =
            "UEsDBC0AAAAAAAAAIQD+dB7U//////////8FABQAeC5ucHkBABAAkAAAAAAAAACQAAAAAAAAAJNOVU1Q"
                + "WQEAdgB7J2Rlc2NyJzogJzxpNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICg0LCks"
                + "IH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg"
                + "ICAKAAAAAAEAAAACAAAAAwAAAFBLAwQtAAAAAAAAACEA/c+lCP//////////BQAUAHkubnB5AQAQAIgA"
                + "AAAAAAAAiAAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZh"
                + "bHNlLCAnc2hhcGUnOiAoMSwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg"
                + "ICAgICAgICAgICAgICAgICAgICAgCgAAwD8AAADAUEsBAi0DLQAAAAAAAAAhAP50HtSQAAAAkAAAAAUA"
                + "AAAAAAAAAAAAAIABAAAAAHgubnB5UEsBAi0DLQAAAAAAAAAhAP3PpQiIAAAAiAAAAAUAAAAAAAAAAAAA"
                + "AIABxwAAAHkubnB5UEsFBgAAAAACAAIAZgAAAIYBAAAAAA==";

    /** {@code np.savez_compressed(f, w=np.arange(100, dtype=np.int16))}. */
    private static final String NUMPY_SAVEZ_COMPRESSED =
            "UEsDBC0AAAAIAAAAIQABrR/m//////////8FABQAdy5ucHkBABAASAEAAAAAAADYAAAAAAAAAJ3I5zKc"
                + "AQBA0aMlavQa5VM/ZcXq0ftG772ExRpmDGbX+GM8hRfGK7j/7nlf31vbPErz4jW8TqSukuFoEI7f9YWR"
                + "ILx5TD4n4w/nj8nrxJfH4vepxKenbuNPic9v741GIx2R4C34drmkSZchU5YffsqWI1eefAV+KVSkWIlS"
                + "ZcpVqFSlWo3fatWp1yDQqEmzFq3ahNp16NQlotsfPaJ69ek3YNCQYX+NGDVm3IRJU6bNmDVn3oKYfxYt"
                + "WbZi1Zp1GzZt2bZj1559Bw4dOXbi1Jn/zl2Iu3TlA1BLAQItAy0AAAAIAAAAIQABrR/m2AAAAEgBAAAF"
                + "AAAAAAAAAAAAAACAAQAAAAB3Lm5weVBLBQYAAAAAAQABADMAAAAPAQAAAAA=";

    @TempDir Path dir;

    @Test
    void roundTripsArraysInOrderAsStoredNpyEntries() throws IOException {
        List<TensorData> tensors =
                List.of(
                        TensorData.ofFloats(
                                "z.weight", new long[] {2, 2}, new float[] {1, 2, 3, 4}),
                        TensorData.of(
                                "a",
                                DType.I64,
                                new long[0],
                                ByteBuffer.allocate(8)
                                        .order(ByteOrder.LITTLE_ENDIAN)
                                        .putLong(0, -3)),
                        TensorData.ofFloats("empty", new long[] {0}, new float[0]));
        Path file = dir.resolve("w.npz");

        Npz.write(file, tensors);

        List<TensorData> read = Npz.read(file);
        assertThat(read).extracting(TensorData::name).containsExactly("z.weight", "a", "empty");
        for (int i = 0; i < tensors.size(); i++) {
            assertThat(read.get(i).dtype()).isEqualTo(tensors.get(i).dtype());
            assertThat(read.get(i).shape()).isEqualTo(tensors.get(i).shape());
            assertThat(bytes(read.get(i))).isEqualTo(bytes(tensors.get(i)));
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertThat(Collections.list(zip.entries()))
                    .allSatisfy(e -> assertThat(e.getMethod()).isEqualTo(ZipEntry.STORED))
                    .extracting(ZipEntry::getName)
                    .containsExactly("z.weight.npy", "a.npy", "empty.npy");
        }
        assertThat(fileNames(dir)).containsExactly("w.npz");
    }

    @Test
    void readsWhatNumpySavezWrites() throws IOException {
        Path file = Files.write(dir.resolve("numpy.npz"), Base64.getDecoder().decode(NUMPY_SAVEZ));

        List<TensorData> read = Npz.read(file);

        assertThat(read).extracting(TensorData::name).containsExactly("x", "y");
        assertThat(read.get(0).dtype()).isEqualTo(DType.I32);
        assertThat(read.get(0).toFloatArray()).containsExactly(0, 1, 2, 3);
        assertThat(read.get(1).shape()).containsExactly(1, 2);
        assertThat(read.get(1).toFloatArray()).containsExactly(1.5f, -2);
    }

    @Test
    void readsWhatNumpySavezCompressedWrites() throws IOException {
        Path file =
                Files.write(
                        dir.resolve("numpy.npz"),
                        Base64.getDecoder().decode(NUMPY_SAVEZ_COMPRESSED));

        List<TensorData> read = Npz.read(file);

        assertThat(read)
                .singleElement()
                .satisfies(
                        w -> {
                            assertThat(w.name()).isEqualTo("w");
                            assertThat(w.dtype()).isEqualTo(DType.I16);
                            assertThat(w.toFloatArray())
                                    .hasSize(100)
                                    .startsWith(0, 1, 2)
                                    .endsWith(99);
                        });
    }

    @Test
    void writeRejectsDuplicateNamesAndKeepsTheExistingFile() throws IOException {
        Path file = dir.resolve("keep.npz");
        TensorData x = TensorData.ofFloats("x", new long[] {1}, new float[] {1});
        Npz.write(file, List.of(x));
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> Npz.write(file, List.of(x, x)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate tensor name 'x'");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(fileNames(dir)).containsExactly("keep.npz");
    }

    // Malformed archives: each names the file and the problem.

    @Test
    void notAZipArchive() throws IOException {
        Path file = Files.write(dir.resolve("junk.npz"), new byte[100]);
        assertFormatError(() -> Npz.read(file), file, "not a zip archive");
    }

    @Test
    void entryThatIsNotAnNpyFile() throws IOException {
        Path file = zip(ZipEntry.STORED, "readme.txt", "hello".getBytes(StandardCharsets.UTF_8));
        assertFormatError(
                () -> Npz.read(file), file, "(entry 'readme.txt')", "expected only .npy entries");
    }

    @Test
    void entryWhoseNpyIsMalformed() throws IOException {
        Path file =
                zip(
                        ZipEntry.DEFLATED,
                        "w.npy",
                        npyBytes(1, npyDict(">f4", "False", "(1,)"), new byte[4]));
        assertFormatError(() -> Npz.read(file), file, "(entry 'w.npy')", "big-endian");
    }

    @Test
    void npyHeaderDeclaresMoreDataThanTheEntry() throws IOException {
        Path file =
                zip(
                        ZipEntry.STORED,
                        "w.npy",
                        npyBytes(1, npyDict("<f4", "False", "(1000,)"), new byte[4]));
        assertFormatError(
                () -> Npz.read(file),
                file,
                "(entry 'w.npy')",
                "needs 4000 data bytes, but at most 4");
    }

    @Test
    void entryDeclaresMoreBytesThanItsNpy() throws IOException {
        byte[] npy = npyBytes(1, npyDict("<f4", "False", "(1,)"), new byte[4]);
        Path file =
                zip(
                        ZipEntry.STORED,
                        "w.npy",
                        ByteBuffer.allocate(npy.length + 16).put(npy).array());
        assertFormatError(
                () -> Npz.read(file),
                file,
                "(entry 'w.npy')",
                "declares " + (npy.length + 16) + " bytes",
                "take " + npy.length);
    }

    /** A zip bomb in miniature: the data inflates to more than the central directory declares. */
    @Test
    void entryInflatesToMoreThanItDeclares() throws IOException {
        byte[] npy = npyBytes(1, npyDict("<f4", "False", "(1,)"), new byte[4]);
        Path file =
                zip(
                        ZipEntry.DEFLATED,
                        "w.npy",
                        ByteBuffer.allocate(npy.length + 100_000).put(npy).array());
        patchCentralDirectorySize(file, npy.length);
        assertFormatError(
                () -> Npz.read(file),
                file,
                "(entry 'w.npy')",
                "declares " + npy.length + " bytes",
                "more data follows");
    }

    @Test
    void aFlippedBitIsABadCrcAsNumpyLoadSays() throws IOException {
        Path file = dir.resolve("w.npz");
        Npz.write(file, List.of(TensorData.ofFloats("conv1.weight", new long[] {4}, new float[] {1, 2, 3, 4})));
        byte[] raw = Files.readAllBytes(file);
        int data = indexOf(raw, floatBytes(1, 2, 3, 4));
        raw[data + 5] ^= 0x10; // one bit of the second float
        Files.write(file, raw);
        assertFormatError(() -> Npz.read(file), file, "(entry 'conv1.weight.npy')", "bad CRC-32", "the file is corrupt");
    }

    @Test
    void aFlippedBitInACompressedEntryIsRefusedToo() throws IOException {
        byte[] npy = npyBytes(1, npyDict("<f4", "False", "(256,)"), new byte[1024]);
        Path file = zip(ZipEntry.DEFLATED, "w.npy", npy);
        byte[] raw = Files.readAllBytes(file);
        raw[40] ^= 0x01; // inside the deflated data
        Files.write(file, raw);
        assertThatThrownBy(() -> Npz.read(file)).isInstanceOf(TensorFormatException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("(entry 'w.npy')");
    }

    @Test
    void entriesDescribeTheArraysWithoutReadingTheirData() throws IOException {
        Path file = dir.resolve("two.npz");
        Npz.write(file, List.of(TensorData.ofFloats("a", new long[] {2, 3}, new float[6]),
                TensorData.ofFloats("b", new long[] {}, new float[] {5})));
        List<Npz.Entry> entries = Npz.entries(file);
        assertThat(entries).extracting(Npz.Entry::name).containsExactly("a", "b");
        assertThat(entries.get(0).shape()).containsExactly(2, 3);
        assertThat(entries.get(0).dtype()).isEqualTo(DType.F32);
        assertThat(Npz.read(file, "b"::equals)).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("b"));
    }

    @Test
    void aBombIsDescribedWithoutInflatingIt() throws IOException {
        // 1 GiB of zeros deflates to about 1 MB; describing it inflates only its header.
        Path file = dir.resolve("bomb.npz");
        byte[] header = npyBytes(1, npyDict("<f4", "False", "(268435456,)"), new byte[0]);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("huge.npy"));
            zip.write(header);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 1024; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertThat(Files.size(file)).isLessThan(2_000_000);
        long start = System.nanoTime();
        assertThat(Npz.entries(file)).singleElement().satisfies(e -> assertThat(e.shape()).containsExactly(268435456));
        assertThat(Npz.read(file, name -> false)).isEmpty();
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(2);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void duplicateEntries() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : List.of("a.npy", "b.npy")) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(npyBytes(1, npyDict("<f4", "False", "(1,)"), floatBytes(1)));
                zip.closeEntry();
            }
        }
        // ZipOutputStream refuses duplicates, so rename "b.npy" to "a.npy" in the raw bytes.
        String raw =
                new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1)
                        .replace("b.npy", "a.npy");
        Path file = Files.write(dir.resolve("dup.npz"), raw.getBytes(StandardCharsets.ISO_8859_1));
        assertFormatError(() -> Npz.read(file), file, "duplicate entry 'a.npy'");
    }

    /** Writes a one-entry zip. */
    private Path zip(int method, String name, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            ZipEntry entry = new ZipEntry(name);
            entry.setMethod(method);
            if (method == ZipEntry.STORED) {
                CRC32 crc = new CRC32();
                crc.update(content);
                entry.setSize(content.length);
                entry.setCrc(crc.getValue());
            }
            zip.putNextEntry(entry);
            zip.write(content);
            zip.closeEntry();
        }
        return Files.write(dir.resolve("crafted.npz"), bytes.toByteArray());
    }

    /** Overwrites the uncompressed size in the (single) central directory header. */
    private static void patchCentralDirectorySize(Path file, int size) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = raw.length - 4; i >= 0; i--) {
            if (buffer.getInt(i) == 0x02014b50) {
                buffer.putInt(i + 24, size);
                Files.write(file, raw);
                return;
            }
        }
        throw new AssertionError("no central directory header");
    }
}
