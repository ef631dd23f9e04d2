package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;

/**
 * Element-wise activations used by the families, including those DJL has no block for.
 *
 * <p>Definitions follow PyTorch: {@code SILU(x) = x * sigmoid(x)}, {@code HARD_SIGMOID(x) =
 * relu6(x + 3) / 6}, {@code HARD_SWISH(x) = x * relu6(x + 3) / 6}.
 */
public enum Activation {
    /** The identity. */
    IDENTITY,
    /** {@code max(x, 0)}. */
    RELU,
    /** {@code min(max(x, 0), 6)}. */
    RELU6,
    /** {@code 1 / (1 + exp(-x))}. */
    SIGMOID,
    /** {@code x * sigmoid(x)}, also known as swish. */
    SILU,
    /** {@code relu6(x + 3) / 6}. */
    HARD_SIGMOID,
    /** {@code x * relu6(x + 3) / 6}. */
    HARD_SWISH;

    /**
     * Applies the activation. The input is left untouched (and open); the caller owns both.
     *
     * @param x the input
     * @return a new array ({@code x} itself for {@link #IDENTITY})
     */
    public NDArray apply(NDArray x) {
        switch (this) {
            case IDENTITY:
                return x;
            case RELU:
                return x.getNDArrayInternal().relu();
            case RELU6:
                return x.clip(0f, 6f);
            case SIGMOID:
                return x.getNDArrayInternal().sigmoid();
            case SILU:
                try (NDArray s = x.getNDArrayInternal().sigmoid()) {
                    return x.mul(s);
                }
            case HARD_SIGMOID:
                return hardSigmoid(x);
            case HARD_SWISH:
                try (NDArray gate = hardSigmoid(x)) {
                    return x.mul(gate);
                }
            default:
                throw new AssertionError(this);
        }
    }

    private static NDArray hardSigmoid(NDArray x) {
        // Autograd keeps the divisor for the backward pass: see Ops.scalar.
        try (NDArray shifted = x.add(3f);
                NDArray clipped = shifted.clip(0f, 6f);
                NDArray six = Ops.scalar(x, 6f)) {
            return clipped.div(six);
        }
    }
}
