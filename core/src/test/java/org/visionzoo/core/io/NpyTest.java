package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.visionzoo.core.io.IoTestSupport.assertFormatError;
import static org.visionzoo.core.io.IoTestSupport.bytes;
import static org.visionzoo.core.io.IoTestSupport.fileNames;
import static org.visionzoo.core.io.IoTestSupport.floatBytes;
import static org.visionzoo.core.io.IoTestSupport.npy;
import static org.visionzoo.core.io.IoTestSupport.npyBytes;
import static org.visionzoo.core.io.IoTestSupport.npyDict;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

class NpyTest {

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(value = DType.class, names = "BF16", mode = EnumSource.Mode.EXCLUDE)
    void roundTripsEveryNumpyDtype(DType type) throws IOException {
        byte[] data = new byte[6 * type.byteSize()];
        new Random(type.ordinal()).nextBytes(data);
        TensorData tensor = TensorData.of("x", type, new long[] {2, 3}, ByteBuffer.wrap(data));
        Path file = dir.resolve("x.npy");

        Npy.write(file, tensor);
        TensorData read = Npy.read(file);

        assertThat(read.name()).isEqualTo("x");
        assertThat(read.dtype()).isEqualTo(type);
        assertThat(read.shape()).containsExactly(2, 3);
        assertThat(bytes(read)).isEqualTo(data);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "0,3", "1,1,2,1"})
    void roundTripsScalarOneDimensionalEmptyAndHigherShapes(String dims) throws IOException {
        long[] shape =
                dims.isEmpty()
                        ? new long[0]
                        : Arrays.stream(dims.split(",")).mapToLong(Long::parseLong).toArray();
        float[] values = new float[(int) TensorData.numel(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f;
        }
        Path file = dir.resolve("s.npy");

        Npy.write(file, TensorData.ofFloats("s", shape, values));
        TensorData read = Npy.read(file);

        assertThat(read.shape()).isEqualTo(shape);
        assertThat(read.toFloatArray()).isEqualTo(values);
    }

    @Test
    void writesNumpysVersion1HeaderPaddedTo64Bytes() throws IOException {
        Path file = dir.resolve("h.npy");
        Npy.write(file, TensorData.ofFloats("h", new long[] {2, 3}, new float[6]));

        byte[] raw = Files.readAllBytes(file);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        int headerLength = 128 - 10;
        assertThat(Arrays.copyOf(raw, 10))
                .containsExactly(0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, headerLength, 0);
        assertThat(new String(raw, 10, headerLength, StandardCharsets.ISO_8859_1))
                .isEqualTo(dict + " ".repeat(headerLength - dict.length() - 1) + "\n");
        assertThat(raw).hasSize(128 + 24);
    }

    @Test
    void writesTheTupleFormsOfScalarAndOneDimensionalShapes() throws IOException {
        Npy.write(dir.resolve("s.npy"), TensorData.ofFloats("s", new long[0], new float[1]));
        Npy.write(dir.resolve("v.npy"), TensorData.ofFloats("v", new long[] {5}, new float[5]));

        assertThat(
                        new String(
                                Files.readAllBytes(dir.resolve("s.npy")),
                                StandardCharsets.ISO_8859_1))
                .contains("'shape': (), }");
        assertThat(
                        new String(
                                Files.readAllBytes(dir.resolve("v.npy")),
                                StandardCharsets.ISO_8859_1))
                .contains("'shape': (5,), }");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void readsHandWrittenFilesOfEachVersion(int major) throws IOException {
        Path file = npy(dir, major, npyDict("<f4", "False", "(2,)"), floatBytes(1.5f, -3));
        TensorData read = Npy.read(file);
        assertThat(read.name()).isEqualTo("hand");
        assertThat(read.shape()).containsExactly(2);
        assertThat(read.toFloatArray()).containsExactly(1.5f, -3);
    }

    @Test
    void readsHeadersInOtherSpellings() throws IOException {
        // Key order, quotes, spacing, no trailing comma and Python 2 long suffixes all vary.
        String header = "{\"shape\":(1L,2L),'fortran_order':False,\"descr\":\"<f4\"}\n";
        Path file = npy(dir, 1, header, floatBytes(4, 5));
        assertThat(Npy.read(file).toFloatArray()).containsExactly(4, 5);
    }

    @Test
    void readsFortranOrderOfOneDimensionWhichIsTheSameLayout() throws IOException {
        Path file = npy(dir, 1, npyDict("<f4", "True", "(2,)"), floatBytes(1, 2));
        assertThat(Npy.read(file).toFloatArray()).containsExactly(1, 2);
    }

    @Test
    void readsFromAStream() throws IOException {
        byte[] raw = npyBytes(1, npyDict("|u1", "False", "(3,)"), new byte[] {1, 2, 3});
        TensorData read =
                Npy.read("s", new ByteArrayInputStream(raw), raw.length, "stream of x.npz");
        assertThat(read.name()).isEqualTo("s");
        assertThat(read.toFloatArray()).containsExactly(1, 2, 3);
    }

    @Test
    void streamLongerThanItsSizeLimitIsRejectedBeforeReadingData() {
        byte[] raw = npyBytes(1, npyDict("<f4", "False", "(1000,)"), new byte[4000]);
        int limit = raw.length - 4000 + 20;
        assertThatThrownBy(
                        () ->
                                Npy.read(
                                        "s",
                                        new ByteArrayInputStream(raw),
                                        limit,
                                        "x.npz (entry 's.npy')"))
                .isInstanceOf(TensorFormatException.class)
                .hasMessageContainingAll(
                        "x.npz (entry 's.npy')", "needs 4000 data bytes", "at most 20");
    }

    @Test
    void writeRejectsBf16AndKeepsTheExistingFile() throws IOException {
        Path file = dir.resolve("keep.npy");
        Npy.write(file, TensorData.ofFloats("keep", new long[] {1}, new float[] {1}));
        byte[] before = Files.readAllBytes(file);
        TensorData bf16 = TensorData.of("b", DType.BF16, new long[] {1}, ByteBuffer.allocate(2));

        assertThatThrownBy(() -> Npy.write(file, bf16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("'b'", "BF16");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(fileNames(dir)).containsExactly("keep.npy");
    }

    // Malformed files: each names the file and the problem.

    @Test
    void badMagic() throws IOException {
        byte[] raw = npyBytes(1, npyDict("<f4", "False", "(1,)"), new byte[4]);
        raw[1] = 'X';
        Path file = Files.write(dir.resolve("magic.npy"), raw);
        assertFormatError(
                () -> Npy.read(file),
                file,
                "not an npy file",
                "expected the magic \\x93NUMPY",
                "found bytes 93 58 55 4d 50 59");
    }

    @Test
    void unsupportedVersion() throws IOException {
        Path file = npy(dir, 4, npyDict("<f4", "False", "(1,)"), new byte[4]);
        assertFormatError(
                () -> Npy.read(file),
                file,
                "unsupported npy format version 4.0",
                "expected 1.0, 2.0 or 3.0");
    }

    @Test
    void fileTruncatedInTheMagic() throws IOException {
        Path file = Files.write(dir.resolve("tiny.npy"), new byte[] {(byte) 0x93, 'N', 'U'});
        assertFormatError(
                () -> Npy.read(file),
                file,
                "truncated",
                "expected 8 bytes of magic and version, found 3");
    }

    @Test
    void fileTruncatedInTheHeader() throws IOException {
        byte[] raw = npyBytes(1, npyDict("<f4", "False", "(1,)"), new byte[0]);
        Path file = Files.write(dir.resolve("header.npy"), Arrays.copyOf(raw, 30));
        assertFormatError(
                () -> Npy.read(file), file, "header length", "beyond the 30 bytes", "truncated");
    }

    @Test
    void fileTruncatedInTheData() throws IOException {
        Path file = npy(dir, 1, npyDict("<f4", "False", "(2, 3)"), new byte[20]);
        assertFormatError(
                () -> Npy.read(file),
                file,
                "F32 [2, 3] needs 24 data bytes",
                "at most 20",
                "truncated");
    }

    @Test
    void fileLongerThanItsData() throws IOException {
        Path file = npy(dir, 1, npyDict("<f4", "False", "(2,)"), new byte[12]);
        assertFormatError(
                () -> Npy.read(file),
                file,
                "expected 8 data bytes for F32 [2] after the header, found 12");
    }

    @Test
    void fortranOrder() throws IOException {
        Path file = npy(dir, 1, npyDict("<f4", "True", "(2, 3)"), new byte[24]);
        assertFormatError(
                () -> Npy.read(file),
                file,
                "Fortran-order arrays are not supported; save with np.ascontiguousarray");
    }

    @Test
    void bigEndian() throws IOException {
        Path file = npy(dir, 1, npyDict(">f4", "False", "(2,)"), new byte[8]);
        assertFormatError(() -> Npy.read(file), file, "big-endian descr '>f4' is not supported");
    }

    @Test
    void objectArrayWhichWouldNeedPickle() throws IOException {
        Path file = npy(dir, 1, npyDict("|O", "False", "(1,)"), new byte[8]);
        assertFormatError(() -> Npy.read(file), file, "object arrays ('|O')", "pickle");
    }

    @Test
    void unsupportedDescr() throws IOException {
        Path file = npy(dir, 1, npyDict("<c8", "False", "(1,)"), new byte[8]);
        assertFormatError(() -> Npy.read(file), file, "unsupported descr '<c8'");
    }

    @Test
    void structuredDescr() throws IOException {
        Path file =
                npy(
                        dir,
                        1,
                        "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                        new byte[4]);
        assertFormatError(() -> Npy.read(file), file, "structured dtypes");
    }

    @Test
    void headerMissesAKey() throws IOException {
        Path file = npy(dir, 1, "{'descr': '<f4', 'fortran_order': False, }", new byte[4]);
        assertFormatError(() -> Npy.read(file), file, "expected the key 'shape' in the header");
    }

    @Test
    void headerHasAnUnexpectedKey() throws IOException {
        Path file =
                npy(
                        dir,
                        1,
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
                        new byte[4]);
        assertFormatError(() -> Npy.read(file), file, "unexpected key 'x'");
    }

    @Test
    void headerHasADuplicateKey() throws IOException {
        Path file =
                npy(
                        dir,
                        1,
                        "{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}",
                        new byte[4]);
        assertFormatError(() -> Npy.read(file), file, "duplicate key 'descr'");
    }

    @Test
    void headerIsNotADictionaryLiteral() throws IOException {
        Path file = npy(dir, 1, "dict(descr='<f4')", new byte[4]);
        assertFormatError(
                () -> Npy.read(file),
                file,
                "malformed header",
                "expected '{' at position 0, found 'd'");
    }

    @Test
    void headerValueOfTheWrongType() throws IOException {
        Path file = npy(dir, 1, npyDict("<f4", "'no'", "(1,)"), new byte[4]);
        assertFormatError(
                () -> Npy.read(file), file, "expected fortran_order to be True or False, found no");
    }

    @Test
    void negativeDimension() throws IOException {
        Path file = npy(dir, 1, npyDict("<f4", "False", "(-1, 2)"), new byte[4]);
        assertFormatError(
                () -> Npy.read(file),
                file,
                "expected non-negative dimensions, found shape [-1, 2]");
    }

    @Test
    void shapeWithMoreDimensionsThanNumpy() throws IOException {
        Path file =
                npy(dir, 1, npyDict("<f4", "False", "(" + "1, ".repeat(65) + "1)"), new byte[4]);
        assertFormatError(() -> Npy.read(file), file, "at most 64 dimensions");
    }

    @Test
    void shapeWhoseByteCountOverflows() throws IOException {
        Path file = npy(dir, 1, npyDict("<f4", "False", "(4611686018427387904, 4)"), new byte[4]);
        assertFormatError(() -> Npy.read(file), file, "overflows 64 bits");
    }
}
