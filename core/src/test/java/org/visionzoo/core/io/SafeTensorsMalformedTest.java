package org.visionzoo.core.io;

import static org.visionzoo.core.io.IoTestSupport.assertFormatError;
import static org.visionzoo.core.io.IoTestSupport.safetensors;
import static org.visionzoo.core.io.IoTestSupport.safetensorsEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Each malformed safetensors file fails with a message naming the file and the problem. */
class SafeTensorsMalformedTest {

    @TempDir Path dir;

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        Path file = Files.write(dir.resolve("short.safetensors"), new byte[5]);
        assertFormatError(() -> SafeTensors.read(file), file, "file is 5 bytes", "at least 8");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path file = withHeaderLength(1000, 10);
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "header length 1000",
                "beyond the end of the file",
                "only 10 bytes");
    }

    @Test
    void headerLengthOverTheLimit() throws IOException {
        Path file = withHeaderLength(200_000_000, 10);
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "header length 200000000",
                "exceeds the limit of 100000000");
    }

    @Test
    void headerLengthBeyondTheSignedRange() throws IOException {
        Path file = withHeaderLength(-1, 10);
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "header length 18446744073709551615",
                "exceeds the limit");
    }

    @Test
    void headerIsNotValidJson() throws IOException {
        Path file = safetensors(dir, "{\"w\": {\"dtype\": \"F32\",", new byte[0]);
        assertFormatError(() -> SafeTensors.read(file), file, "header is not valid JSON");
    }

    @Test
    void headerIsLenientJson() throws IOException {
        Path file =
                safetensors(
                        dir,
                        "{w: {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8]}}",
                        new byte[8]);
        assertFormatError(() -> SafeTensors.read(file), file, "header is not valid JSON");
    }

    @Test
    void headerHasContentAfterTheObject() throws IOException {
        Path file = safetensors(dir, "{} {}", new byte[0]);
        assertFormatError(() -> SafeTensors.read(file), file, "header is not valid JSON");
    }

    @Test
    void headerIsNotAnObject() throws IOException {
        Path file = safetensors(dir, "[1, 2]", new byte[0]);
        assertFormatError(() -> SafeTensors.read(file), file, "the header must start with '{', found byte 0x5b");
    }

    @Test
    void headerWithAByteOrderMarkOrLeadingBlanks() throws IOException {
        // The reference implementation refuses both (InvalidHeaderStart).
        Path bom = safetensors(dir, "\uFEFF{}", new byte[0]);
        assertFormatError(() -> SafeTensors.read(bom), bom, "the header must start with '{', found byte 0xef");
        Path blank = safetensors(dir, " {}", new byte[0]);
        assertFormatError(() -> SafeTensors.read(blank), blank, "found byte 0x20");
    }

    @Test
    void aGapBetweenTensors() throws IOException {
        Path file = safetensors(dir,
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                new byte[12]);
        assertFormatError(() -> SafeTensors.read(file), file, "gap of 4 bytes before tensor 'b' (bytes 8..12)");
    }

    @Test
    void dataBeforeTheFirstTensor() throws IOException {
        Path file = safetensorsEntryAt(4, 12);
        assertFormatError(() -> SafeTensors.read(file), file, "gap of 4 bytes before tensor 'w' (bytes 4..12)");
    }

    @Test
    void bytesAfterTheLastTensor() throws IOException {
        Path file = safetensors(dir, "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[7]);
        assertFormatError(() -> SafeTensors.read(file), file,
                "3 bytes after the last tensor (the data region is 7 bytes, the tensors end at 4)");
    }

    @Test
    void headerIsNotUtf8() throws IOException {
        Path file = safetensors(dir, "{\"w\u00ff\": 1}", new byte[0]);
        byte[] bytes = Files.readAllBytes(file);
        bytes[11] = (byte) 0xff; // the first byte of the two-byte UTF-8 of \u00ff
        Files.write(file, bytes);
        assertFormatError(() -> SafeTensors.read(file), file, "header is not valid UTF-8");
    }

    @Test
    void tensorEntryIsNotAnObject() throws IOException {
        Path file = safetensorsEntry(dir, "5");
        assertFormatError(
                () -> SafeTensors.read(file), file, "tensor 'w' to be an object", "found NUMBER");
    }

    @Test
    void tensorEntryLacksAField() throws IOException {
        Path file = safetensorsEntry(dir, "{\"dtype\":\"F32\",\"shape\":[2]}");
        assertFormatError(
                () -> SafeTensors.read(file), file, "tensor 'w'", "missing field 'data_offsets'");
    }

    @Test
    void tensorEntryHasAFieldOfTheWrongType() throws IOException {
        Path file =
                safetensorsEntry(
                        dir, "{\"dtype\":\"F32\",\"shape\":\"2x1\",\"data_offsets\":[0,8]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w' shape to be an array of integers, found STRING");
    }

    @Test
    void tensorEntryHasADuplicateField() throws IOException {
        Path file =
                safetensorsEntry(
                        dir,
                        "{\"dtype\":\"F32\",\"dtype\":\"F16\","
                                + "\"shape\":[2],\"data_offsets\":[0,8]}");
        assertFormatError(
                () -> SafeTensors.read(file), file, "tensor 'w'", "duplicate field 'dtype'");
    }

    @Test
    void dtypeIsNotAString() throws IOException {
        Path file = safetensorsEntry(dir, "{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w' dtype to be a string, found NUMBER");
    }

    @Test
    void unknownDtype() throws IOException {
        Path file =
                safetensorsEntry(
                        dir, "{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w'",
                "unsupported dtype \"F8_E4M3\"",
                "expected one of");
    }

    @Test
    void negativeDimension() throws IOException {
        Path file =
                safetensorsEntry(
                        dir, "{\"dtype\":\"F32\",\"shape\":[-1,-2],\"data_offsets\":[0,8]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w'",
                "expected non-negative dimensions, found shape [-1, -2]");
    }

    @Test
    void shapeWithMoreDimensionsThanAnyFramework() throws IOException {
        String ones = "1,".repeat(65) + "2";
        Path file =
                safetensorsEntry(
                        dir, "{\"dtype\":\"F32\",\"shape\":[" + ones + "],\"data_offsets\":[0,8]}");
        assertFormatError(
                () -> SafeTensors.read(file), file, "tensor 'w' shape", "at most 64 values");
    }

    @Test
    void fractionalOffset() throws IOException {
        Path file =
                safetensorsEntry(dir, "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.0]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w' data_offsets",
                "64-bit integers, found 8.0");
    }

    @Test
    void offsetOutOfTheLongRange() throws IOException {
        Path file =
                safetensorsEntry(
                        dir,
                        "{\"dtype\":\"F32\",\"shape\":[2],"
                                + "\"data_offsets\":[0,18446744073709551616]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w' data_offsets",
                "found 18446744073709551616");
    }

    @Test
    void offsetsAreNotTwoValues() throws IOException {
        Path file =
                safetensorsEntry(dir, "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w'",
                "expected data_offsets [begin, end]",
                "found [0, 4, 8]");
    }

    @Test
    void offsetsAreNegative() throws IOException {
        Path file =
                safetensorsEntry(dir, "{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[-8,-8]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w'",
                "0 <= begin <= end",
                "found [-8, -8]");
    }

    @Test
    void offsetsEndBeforeTheyBegin() throws IOException {
        Path file =
                safetensorsEntry(dir, "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w'",
                "0 <= begin <= end",
                "found [8, 0]");
    }

    @Test
    void offsetsBeyondTheDataRegion() throws IOException {
        Path file =
                safetensorsEntry(dir, "{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w'",
                "end 16 is beyond the data region of 8 bytes");
    }

    @Test
    void overlappingOffsets() throws IOException {
        Path file =
                safetensors(
                        dir,
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        new byte[12]);
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensors 'a' (bytes 0..8) and 'b' (bytes 4..12) overlap");
    }

    @Test
    void shapeDoesNotMatchTheByteCount() throws IOException {
        Path file =
                safetensorsEntry(dir, "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}");
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "tensor 'w'",
                "F32 [3] needs 12 bytes",
                "data_offsets span 8");
    }

    @Test
    void shapeWhoseByteCountOverflows() throws IOException {
        Path file =
                safetensorsEntry(
                        dir,
                        "{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],"
                                + "\"data_offsets\":[0,8]}");
        assertFormatError(() -> SafeTensors.read(file), file, "tensor 'w'", "overflows 64 bits");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        Path file =
                safetensors(
                        dir,
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                        new byte[8]);
        assertFormatError(() -> SafeTensors.read(file), file, "duplicate tensor name 'w'");
    }

    @Test
    void metadataValueIsNotAString() throws IOException {
        Path file = safetensors(dir, "{\"__metadata__\":{\"epochs\":3}}", new byte[0]);
        assertFormatError(
                () -> SafeTensors.read(file),
                file,
                "__metadata__ value of 'epochs' to be a string, found NUMBER");
    }

    /**
     * Writes a file whose length prefix says {@code headerLength}, followed by {@code rest} bytes.
     */
    private Path safetensorsEntryAt(long begin, long end) throws IOException {
        return safetensors(dir, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + begin + "," + end + "]}}",
                new byte[(int) end]);
    }

    private Path withHeaderLength(long headerLength, int rest) throws IOException {
        byte[] bytes =
                ByteBuffer.allocate(8 + rest)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(headerLength)
                        .array();
        return Files.write(dir.resolve("length.safetensors"), bytes);
    }
}
