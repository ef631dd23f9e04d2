package org.visionzoo.core.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** PyTorch's {@code nn.MaxPool2d(kernel, stride, padding)} with floor rounding. */
public final class MaxPool2d extends AbstractBlock {

    private final int kernel;
    private final int stride;
    private final int padding;

    /**
     * Creates the pool.
     *
     * @param kernel square window, {@code > 0}
     * @param stride stride, {@code > 0}
     * @param padding padding, at most half the kernel
     */
    public MaxPool2d(int kernel, int stride, int padding) {
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

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(
                Pool.maxPool2d(
                        inputs.singletonOrThrow(),
                        new Shape(kernel, kernel),
                        new Shape(stride, stride),
                        new Shape(padding, padding),
                        false));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {
            new Shape(in.get(0), in.get(1), out(in.get(2)), out(in.get(3)))
        };
    }

    private long out(long size) {
        return (size + 2L * padding - kernel) / stride + 1;
    }
}
