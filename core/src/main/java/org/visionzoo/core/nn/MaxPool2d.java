package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** PyTorch's {@code nn.MaxPool2d(kernel, stride, padding)} with floor rounding. */
public final class MaxPool2d extends Pool2d {

    /**
     * Creates the pool.
     *
     * @param kernel square window, {@code > 0}
     * @param stride stride, {@code > 0}
     * @param padding padding, at most half the kernel
     * @throws IllegalArgumentException if a value is out of range
     */
    public MaxPool2d(int kernel, int stride, int padding) {
        super(kernel, stride, padding);
    }

    @Override
    NDArray pool(NDArray x, Shape window, Shape strides, Shape pads) {
        return Pool.maxPool2d(x, window, strides, pads, false);
    }
}
