package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** Parameter-free operations the families share. */
public final class Ops {

    private Ops() {}

    /**
     * Global average pooling {@code (N, C, H, W) -> (N, C)}, torchvision's {@code avgpool} followed
     * by {@code flatten(1)}.
     *
     * @param x the input, left open
     * @return the pooled features
     */
    public static NDArray globalAvgPool(NDArray x) {
        return Pool.globalAvgPool2d(x);
    }

    /**
     * Global average pooling keeping the spatial dimensions: {@code (N, C, H, W) -> (N, C, 1, 1)}.
     *
     * @param x the input, left open
     * @return the pooled input
     */
    public static NDArray globalAvgPoolKeepDims(NDArray x) {
        try (NDArray pooled = Pool.globalAvgPool2d(x)) {
            return pooled.reshape(pooled.getShape().get(0), pooled.getShape().get(1), 1, 1);
        }
    }

    /**
     * A 0-dimensional array holding {@code value}, allocated by libtorch itself, with {@code like}'s
     * data type and device. Use it instead of a {@code Number} operand wherever autograd keeps the
     * operand for the backward pass ({@code mul}, {@code div} of an array that requires a
     * gradient): DJL makes a {@code Number} operand an array over a Java buffer and closes it at
     * once, and the buffer may be reclaimed before backward reads it (a NaN or a crash, at random).
     *
     * @param like the array whose data type and device to use
     * @param value the value
     * @return the scalar array, owned by {@code like}'s manager
     */
    public static NDArray scalar(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType(), like.getDevice());
    }

    /**
     * The same values in channels-last memory order: an {@code (N, C, H, W)} array whose strides
     * make C the fastest-moving dimension (PyTorch's {@code torch.channels_last}).
     *
     * @param x a 4-dimensional array; left open
     * @return a new array
     * @throws IllegalArgumentException if {@code x} is not 4-dimensional
     */
    public static NDArray channelsLast(NDArray x) {
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException("channels-last order needs an (N, C, H, W) array, got shape " + x.getShape());
        }
        long[] s = x.getShape().getShape();
        try (NDArray nhwc = x.transpose(0, 2, 3, 1);
                NDArray flat = nhwc.reshape(-1);
                NDArray packed = flat.reshape(s[0], s[2], s[3], s[1])) {
            return packed.transpose(0, 3, 1, 2);
        }
    }

    /**
     * The same values in contiguous (C) order: {@code x} viewed anew when it already is, a copy
     * otherwise (a channels-last array, a strided view).
     *
     * @param x any array; left open
     * @return a new array (a view of {@code x} when no copy is needed)
     */
    public static NDArray contiguous(NDArray x) {
        try (NDArray flat = x.reshape(-1)) {
            return flat.reshape(x.getShape());
        }
    }
}
