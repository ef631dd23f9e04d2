package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.visionzoo.core.io.IoTestSupport.bytes;
import static org.visionzoo.core.io.IoTestSupport.shortBytes;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;

class TensorDataTest {

    @Test
    void ofFloatsCopiesValuesAndShape() {
        long[] shape = {2, 3};
        float[] values = {1, 2, 3, 4, 5, 6};
        TensorData tensor = TensorData.ofFloats("x", shape, values);
        shape[0] = 99;
        values[0] = 99;

        assertThat(tensor.name()).isEqualTo("x");
        assertThat(tensor.dtype()).isEqualTo(DType.F32);
        assertThat(tensor.shape()).containsExactly(2, 3);
        assertThat(tensor.intShape()).containsExactly(2, 3);
        assertThat(tensor.numel()).isEqualTo(6);
        assertThat(tensor.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void shapeIsADefensiveCopy() {
        TensorData tensor = TensorData.ofFloats("x", new long[] {2}, new float[] {1, 2});
        tensor.shape()[0] = 7;
        assertThat(tensor.shape()).containsExactly(2);
    }

    @Test
    void dataIsAReadOnlyLittleEndianViewFromZero() {
        TensorData tensor = TensorData.ofFloats("x", new long[] {2}, new float[] {1, 2});
        ByteBuffer first = tensor.data();
        first.getFloat();

        ByteBuffer second = tensor.data();
        assertThat(second.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(second.position()).isZero();
        assertThat(second.getFloat()).isEqualTo(1f);
        assertThatThrownBy(() -> second.put(0, (byte) 1))
                .isInstanceOf(ReadOnlyBufferException.class);
    }

    @Test
    void ofViewsTheRemainingBytesWhateverTheBufferOrder() {
        ByteBuffer source =
                ByteBuffer.wrap(new byte[] {9, 9, 1, 0, 2, 0}).order(ByteOrder.BIG_ENDIAN);
        source.position(2);
        TensorData tensor = TensorData.of("s", DType.I16, new long[] {2}, source);

        assertThat(tensor.toFloatArray()).containsExactly(1, 2);
        assertThat(source.position()).isEqualTo(2);
    }

    @Test
    void scalarHasOneElementAndEmptyTensorNone() {
        TensorData scalar = TensorData.ofFloats("s", new long[0], new float[] {4});
        TensorData empty = TensorData.ofFloats("e", new long[] {0, 3}, new float[0]);

        assertThat(scalar.numel()).isEqualTo(1);
        assertThat(scalar.toFloatArray()).containsExactly(4);
        assertThat(empty.numel()).isZero();
        assertThat(empty.toFloatArray()).isEmpty();
    }

    @Test
    void ofRejectsAByteCountThatDoesNotMatchTheShape() {
        assertThatThrownBy(
                        () -> TensorData.of("w", DType.F32, new long[] {3}, ByteBuffer.allocate(8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("'w'", "needs 12 bytes", "has 8");
    }

    @Test
    void ofRejectsAShapeWhoseByteCountOverflows() {
        long[] shape = {1L << 62, 4};
        assertThatThrownBy(() -> TensorData.of("w", DType.F32, shape, ByteBuffer.allocate(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'w'");
    }

    @Test
    void ofRejectsNegativeDimensions() {
        assertThatThrownBy(
                        () -> TensorData.of("w", DType.U8, new long[] {-1}, ByteBuffer.allocate(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("'w'", "negative dimension -1");
    }

    @Test
    void ofFloatsRejectsAShapeThatDoesNotMatchTheValues() {
        assertThatThrownBy(() -> TensorData.ofFloats("w", new long[] {2, 2}, new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("'w'", "[2, 2]");
    }

    @Test
    void halfToFloatConvertsSpecialValues() {
        TensorData half =
                tensor(
                        DType.F16,
                        shortBytes(
                                0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x8000, 0x7c00, 0xfc00,
                                0x7e00, 0x3555));
        float[] values = half.toFloatArray();

        assertThat(values)
                .startsWith(1f, -2f, 65504f, 0x1p-24f, 1023 * 0x1p-24f)
                .contains(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(values[5])).isEqualTo(0x8000_0000);
        assertThat(values[8]).isNaN();
        assertThat(values[9]).isEqualTo(0.33325195f);
    }

    @Test
    void halfToFloatIsExactForAllFiniteHalves() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int exponent = (bits >>> 10) & 0x1f;
            if (exponent == 0x1f) {
                continue;
            }
            int mantissa = bits & 0x3ff;
            double magnitude =
                    exponent == 0
                            ? mantissa * Math.pow(2, -24)
                            : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            double expected = (bits & 0x8000) == 0 ? magnitude : -magnitude;
            assertThat(TensorData.halfToFloat((short) bits))
                    .as("half 0x%04x", bits)
                    .isEqualTo((float) expected);
        }
    }

    @Test
    void bf16ConvertsToTheFloatWithTheSameUpperBits() {
        TensorData bf16 = tensor(DType.BF16, shortBytes(0x3f80, 0xc040, 0x7f80, 0x3eab));
        assertThat(bf16.toFloatArray())
                .containsExactly(
                        1f, -3f, Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x3eab0000));
    }

    @Test
    void integersAndBooleansConvertToFloat() {
        assertThat(tensor(DType.I8, new byte[] {-128, 127}).toFloatArray())
                .containsExactly(-128, 127);
        assertThat(tensor(DType.U8, new byte[] {(byte) 255, 1}).toFloatArray())
                .containsExactly(255, 1);
        assertThat(tensor(DType.BOOL, new byte[] {0, 1, 2}).toFloatArray())
                .containsExactly(0, 1, 1);
        assertThat(tensor(DType.I16, shortBytes(-2, 300)).toFloatArray()).containsExactly(-2, 300);
        assertThat(tensor(DType.I32, le(4).putInt(-7).putInt(1 << 20).array()).toFloatArray())
                .containsExactly(-7, 1 << 20);
        assertThat(tensor(DType.I64, le(8).putLong(-5).putLong(1L << 40).array()).toFloatArray())
                .containsExactly(-5, 0x1p40f);
        assertThat(tensor(DType.F64, le(8).putDouble(0.5).putDouble(-1e300).array()).toFloatArray())
                .containsExactly(0.5f, Float.NEGATIVE_INFINITY);
    }

    @Test
    void toStringNamesTypeAndShape() {
        assertThat(TensorData.ofFloats("fc.weight", new long[] {1, 2}, new float[2]))
                .hasToString("TensorData[fc.weight, F32, [1, 2]]");
        assertThat(bytes(tensor(DType.U8, new byte[] {3, 4}))).containsExactly(3, 4);
    }

    /** Builds a 1-d tensor of a type from its bytes. */
    private static TensorData tensor(DType type, byte[] bytes) {
        return TensorData.of(
                "t", type, new long[] {bytes.length / type.byteSize()}, ByteBuffer.wrap(bytes));
    }

    /** Returns a little-endian buffer for two elements of the given size. */
    private static ByteBuffer le(int elementSize) {
        return ByteBuffer.allocate(2 * elementSize).order(ByteOrder.LITTLE_ENDIAN);
    }
}
