package org.visionzoo.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of a tensor file: its element type, its shape and its raw little-endian bytes in
 * row-major (C) order.
 *
 * <p>Instances are immutable. The bytes may be a slice of a memory-mapped file, which stays valid
 * after the file is closed, and after it is replaced by a rename (as this package's writers do);
 * only truncating the file in place would invalidate it.
 */
public final class TensorData {

    /**
     * The most dimensions a file may declare, as in NumPy and PyTorch; bounds what a hostile header
     * can make a reader allocate.
     */
    static final int MAX_DIMS = 64;

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    private TensorData(String name, DType dtype, long[] shape, ByteBuffer data) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * Creates a tensor that views the given bytes.
     *
     * <p>The remaining bytes of {@code data} (from its position to its limit) are viewed, not
     * copied, so that tensors of a mapped file cost no heap: the caller must not modify them
     * afterwards. The buffer's byte order and position are irrelevant and left unchanged; the bytes
     * are read as little-endian.
     *
     * @param name the tensor's name
     * @param dtype the element type
     * @param shape the dimensions, none negative; empty for a scalar (copied)
     * @param data the elements, exactly {@code numel * dtype.byteSize()} bytes
     * @return the tensor
     * @throws IllegalArgumentException if a dimension is negative, or the byte count overflows or
     *     differs from the remaining bytes of {@code data}
     */
    public static TensorData of(String name, DType dtype, long[] shape, ByteBuffer data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        long[] dims = shape.clone();
        long expected;
        try {
            expected = byteCount(dtype, dims);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    describe(name, dtype, dims) + ": " + e.getMessage(), e);
        }
        if (expected != data.remaining()) {
            throw new IllegalArgumentException(
                    describe(name, dtype, dims)
                            + " needs "
                            + expected
                            + " bytes, but the buffer has "
                            + data.remaining());
        }
        ByteBuffer view = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return new TensorData(name, dtype, dims, view);
    }

    /**
     * Creates an {@link DType#F32} tensor from a copy of the given values.
     *
     * @param name the tensor's name
     * @param shape the dimensions, none negative; empty for a scalar (copied)
     * @param data the elements in row-major order (copied)
     * @return the tensor
     * @throws IllegalArgumentException if a dimension is negative or the shape does not hold
     *     exactly {@code data.length} elements
     */
    public static TensorData ofFloats(String name, long[] shape, float[] data) {
        if (data.length > Integer.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': " + data.length + " floats exceed one buffer");
        }
        ByteBuffer buffer =
                ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(data);
        return of(name, DType.F32, shape, buffer);
    }

    /**
     * Returns the tensor's name.
     *
     * @return the name, as in the file
     */
    public String name() {
        return name;
    }

    /**
     * Returns the element type.
     *
     * @return the element type
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * Returns the dimensions.
     *
     * @return a copy of the dimensions; empty for a scalar
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Returns the dimensions as {@code int}s, as DJL's and Java's array APIs want them.
     *
     * @return a copy of the dimensions; empty for a scalar
     * @throws ArithmeticException if a dimension exceeds {@link Integer#MAX_VALUE}
     */
    public int[] intShape() {
        return Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
    }

    /**
     * Returns the number of elements: the product of the dimensions, 1 for a scalar.
     *
     * @return the number of elements
     */
    public long numel() {
        return numel(shape);
    }

    /**
     * Returns the raw bytes.
     *
     * @return a new read-only little-endian view of the bytes, positioned at 0
     */
    public ByteBuffer data() {
        // duplicate() resets the byte order to big-endian, hence order() again.
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Returns the elements converted to {@code float}: floats widen or round to nearest, integers
     * are converted as by a Java cast, booleans become 0 or 1.
     *
     * @return a new array of {@link #numel()} elements in row-major order
     */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(numel())];
        ByteBuffer bytes = data();
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().get(out);
            case F64 -> {
                DoubleBuffer doubles = bytes.asDoubleBuffer();
                fill(out, i -> (float) doubles.get(i));
            }
            case F16 -> {
                ShortBuffer halves = bytes.asShortBuffer();
                fill(out, i -> halfToFloat(halves.get(i)));
            }
            case BF16 -> {
                ShortBuffer bf16s = bytes.asShortBuffer();
                fill(out, i -> bf16ToFloat(bf16s.get(i)));
            }
            case I64 -> {
                LongBuffer longs = bytes.asLongBuffer();
                fill(out, longs::get);
            }
            case I32 -> {
                IntBuffer ints = bytes.asIntBuffer();
                fill(out, ints::get);
            }
            case I16 -> {
                ShortBuffer shorts = bytes.asShortBuffer();
                fill(out, shorts::get);
            }
            case I8 -> fill(out, bytes::get);
            case U8 -> fill(out, i -> bytes.get(i) & 0xff);
            case BOOL -> fill(out, i -> bytes.get(i) == 0 ? 0 : 1);
        }
        return out;
    }

    /**
     * Converts an IEEE 754 half-precision value to float exactly ({@code Float.float16ToFloat}
     * arrives only in Java 20).
     *
     * @param half the 16 bits of the half
     * @return the same value as a float, NaN payloads and signed zeros included
     */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            // Infinity or NaN: keep the payload in the top of the float mantissa.
            return Float.intBitsToFloat(sign | 0x7f80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24 is exact in float.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // Normal: rebias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /**
     * Converts a bfloat16 value to float exactly.
     *
     * @param bf16 the 16 bits of the bfloat16
     * @return the float whose upper half they are
     */
    static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /**
     * Returns the number of elements of a shape, checking that no dimension is negative.
     *
     * @throws ArithmeticException if a dimension is negative or the product overflows a long
     */
    static long numel(long[] shape) {
        for (long dim : shape) {
            if (dim < 0) {
                throw new ArithmeticException("negative dimension " + dim);
            }
            // Any zero makes the product zero, whatever the other dimensions multiply to.
            if (dim == 0) {
                return 0;
            }
        }
        long product = 1;
        for (long dim : shape) {
            product = Math.multiplyExact(product, dim);
        }
        return product;
    }

    /**
     * Returns the number of bytes a tensor of this type and shape occupies.
     *
     * @throws ArithmeticException if a dimension is negative or the count overflows a long
     */
    static long byteCount(DType dtype, long[] shape) {
        return Math.multiplyExact(numel(shape), dtype.byteSize());
    }

    private static String describe(String name, DType dtype, long[] shape) {
        return "tensor '" + name + "' of " + dtype + " " + Arrays.toString(shape);
    }

    private static void fill(float[] out, ElementReader element) {
        for (int i = 0; i < out.length; i++) {
            out[i] = element.at(i);
        }
    }

    /** Reads the element at an index as a float, without boxing. */
    @FunctionalInterface
    private interface ElementReader {
        float at(int index);
    }

    /**
     * Returns the name, type and shape (not the data).
     *
     * @return e.g. {@code TensorData[fc.weight, F32, [10, 20]]}
     */
    @Override
    public String toString() {
        return "TensorData[" + name + ", " + dtype + ", " + Arrays.toString(shape) + "]";
    }
}
