package org.visionzoo.training.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Objects;

/** Shared checks of metric inputs; copies class indices to the host. */
final class Inputs {

    private Inputs() {}

    static boolean isInteger(DataType t) {
        return t == DataType.INT64 || t == DataType.INT32 || t == DataType.INT8 || t == DataType.UINT8;
    }

    /**
     * Checks logits of shape (N, K) with K &ge; 1 and a floating type against labels.
     *
     * @return N
     */
    static long checkLogits(NDArray logits, NDArray labels) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        Shape ls = logits.getShape();
        if (ls.dimension() != 2 || ls.get(1) < 1) {
            throw new IllegalArgumentException("logits must have shape (N, K) with K >= 1, got logits "
                    + ls + " and labels " + labels.getShape());
        }
        if (!logits.getDataType().isFloating()) {
            throw new IllegalArgumentException("logits must be floating point, got "
                    + logits.getDataType() + " (logits " + ls + ", labels " + labels.getShape() + ")");
        }
        return ls.get(0);
    }

    /**
     * Class indices of shape (N,) and an integer type, each in [0, k), copied to the host.
     *
     * @param what the array's name in messages
     * @param other the array whose first axis gives N, for messages
     */
    static long[] classIndices(String what, NDArray indices, long n, long k, String otherName,
            NDArray other) {
        Shape s = indices.getShape();
        if (s.dimension() != 1 || s.get(0) != n) {
            throw new IllegalArgumentException(what + " must have shape (" + n + ") to match "
                    + otherName + " " + other.getShape() + ", got " + what + " " + s);
        }
        if (!isInteger(indices.getDataType())) {
            throw new IllegalArgumentException(what + " must be int8, uint8, int32 or int64, got "
                    + indices.getDataType() + " (" + what + " " + s + ", " + otherName + " "
                    + other.getShape() + ")");
        }
        long[] v;
        try (NDArray i64 = indices.toType(DataType.INT64, true)) {
            v = i64.toLongArray();
        }
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= k) {
                throw new IllegalArgumentException(what + " value " + v[i] + " at position " + i
                        + " is out of range [0, " + k + ")");
            }
        }
        return v;
    }
}
