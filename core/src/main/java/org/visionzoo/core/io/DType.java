package org.visionzoo.core.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The element types a tensor file may hold, with their names in the safetensors and NumPy formats.
 * Every multi-byte type is stored little-endian.
 */
public enum DType {
    /** IEEE 754 double precision. */
    F64(8, "<f8"),
    /** IEEE 754 single precision. */
    F32(4, "<f4"),
    /** IEEE 754 half precision. */
    F16(2, "<f2"),
    /** bfloat16: the upper half of an F32; NumPy has no such type. */
    BF16(2, null),
    /** Signed 64-bit integer. */
    I64(8, "<i8"),
    /** Signed 32-bit integer. */
    I32(4, "<i4"),
    /** Signed 16-bit integer. */
    I16(2, "<i2"),
    /** Signed 8-bit integer. */
    I8(1, "|i1"),
    /** Unsigned 8-bit integer. */
    U8(1, "|u1"),
    /** Boolean, one byte: zero is false, anything else true. */
    BOOL(1, "|b1");

    private final int byteSize;
    private final String numpyDescr;

    DType(int byteSize, String numpyDescr) {
        this.byteSize = byteSize;
        this.numpyDescr = numpyDescr;
    }

    /**
     * Returns the size of one element.
     *
     * @return the number of bytes per element
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Returns the name of this type in a safetensors header.
     *
     * @return the safetensors dtype, e.g. {@code "F32"}
     */
    public String safetensorsName() {
        return name();
    }

    /**
     * Returns the NumPy type string of this type, as in an {@code .npy} header.
     *
     * @return the descr, e.g. {@code "<f4"}, or empty for {@link #BF16}, which NumPy lacks
     */
    public Optional<String> numpyDescr() {
        return Optional.ofNullable(numpyDescr);
    }

    /**
     * Returns the type of a safetensors dtype name.
     *
     * @param name the dtype of a safetensors header, e.g. {@code "F32"}
     * @return the type
     * @throws TensorFormatException if this package does not support that dtype
     */
    public static DType fromSafetensors(String name) throws TensorFormatException {
        return findSafetensors(name)
                .orElseThrow(
                        () ->
                                new TensorFormatException(
                                        "safetensors dtype", unknownSafetensorsMessage(name)));
    }

    /**
     * Returns the type of a NumPy type string.
     *
     * @param descr the descr of an {@code .npy} header, e.g. {@code "<f4"}
     * @return the type
     * @throws TensorFormatException if this package does not support that type string, which
     *     includes every big-endian type
     */
    public static DType fromNumpy(String descr) throws TensorFormatException {
        return findNumpy(descr)
                .orElseThrow(
                        () -> new TensorFormatException("numpy descr", unknownNumpyMessage(descr)));
    }

    /** Looks up a safetensors dtype name; readers build their own message naming the file. */
    static Optional<DType> findSafetensors(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
    }

    /** Looks up a NumPy descr; readers build their own message naming the file. */
    static Optional<DType> findNumpy(String descr) {
        return Arrays.stream(values()).filter(t -> descr.equals(t.numpyDescr)).findFirst();
    }

    /** Says what was found and what is supported, for an unknown safetensors dtype. */
    static String unknownSafetensorsMessage(String name) {
        return "unsupported dtype \""
                + name
                + "\"; expected one of "
                + Arrays.stream(values()).map(DType::name).collect(Collectors.joining(", "));
    }

    /** Says what was found and what is supported, for an unknown NumPy descr. */
    static String unknownNumpyMessage(String descr) {
        if (descr.startsWith(">")) {
            return "big-endian descr '"
                    + descr
                    + "' is not supported; save a little-endian array, e.g. with"
                    + " arr.astype(arr.dtype.newbyteorder('<'))";
        }
        if (descr.startsWith("|O")) {
            return "object arrays ('" + descr + "') are not supported: they would need pickle";
        }
        return "unsupported descr '"
                + descr
                + "'; expected one of "
                + Arrays.stream(values())
                        .map(t -> t.numpyDescr)
                        .filter(d -> d != null)
                        .map(d -> "'" + d + "'")
                        .collect(Collectors.joining(", "));
    }
}
