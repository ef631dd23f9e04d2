package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A square 2-D pooling window with floor rounding, PyTorch's {@code nn.MaxPool2d} and {@code
 * nn.AvgPool2d}: the kernel, stride and padding, their validation, the forward pass and the output
 * shape {@code (size + 2 * padding - kernel) / stride + 1}; each subclass picks the reduction.
 * Parameter-free.
 */
public abstract sealed class Pool2d extends AbstractBlock permits AvgPool2d, MaxPool2d {

    private final int kernel;
    private final int stride;
    private final int padding;

    /**
     * Creates the pool.
     *
     * @param kernel square window, {@code > 0}
     * @param stride stride, {@code > 0}
     * @param padding padding on each side, at most half the kernel
     * @throws IllegalArgumentException if a value is out of range
     */
    Pool2d(int kernel, int stride, int padding) {
        Layers.positive("kernel", kernel);
        Layers.positive("stride", stride);
        if (padding < 0 || padding > kernel / 2) {
            throw new IllegalArgumentException(
                    "padding must be in [0, kernel/2], got " + padding + " for kernel " + kernel);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /**
     * Returns the window size.
     *
     * @return the square window's side
     */
    public int kernel() {
        return kernel;
    }

    /**
     * Returns the stride.
     *
     * @return the stride
     */
    public int stride() {
        return stride;
    }

    /**
     * Returns the padding.
     *
     * @return the padding on each side
     */
    public int padding() {
        return padding;
    }

    /**
     * Pools an input with this block's window.
     *
     * @param x the input {@code (N, C, H, W)}
     * @param window the window, {@code (kernel, kernel)}
     * @param strides the strides, {@code (stride, stride)}
     * @param pads the padding, {@code (padding, padding)}
     * @return the pooled array, a new one
     */
    abstract NDArray pool(NDArray x, Shape window, Shape strides, Shape pads);

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(pool(inputs.singletonOrThrow(), new Shape(kernel, kernel),
                new Shape(stride, stride), new Shape(padding, padding)));
    }

    @Override
    public final Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), out(in.get(2)), out(in.get(3)))};
    }

    private long out(long size) {
        return (size + 2L * padding - kernel) / stride + 1;
    }
}
