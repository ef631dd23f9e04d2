package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * PyTorch's {@code nn.AvgPool2d(kernel, stride)} without padding, floor rounding (the {@code
 * pool} of a DenseNet transition). Parameter-free.
 */
public final class AvgPool2d extends Pool2d {

    /**
     * Creates the pool.
     *
     * @param kernel square window, {@code > 0}
     * @param stride stride, {@code > 0}
     * @throws IllegalArgumentException if a value is not positive
     */
    public AvgPool2d(int kernel, int stride) {
        super(kernel, stride, 0);
    }

    @Override
    NDArray pool(NDArray x, Shape window, Shape strides, Shape pads) {
        return Pool.avgPool2d(x, window, strides, pads, false, true);
    }
}
