package org.visionzoo.core.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code nn.AvgPool2d(kernel, stride)} without padding, floor rounding (the {@code
 * pool} of a DenseNet transition). Parameter-free.
 */
public final class AvgPool2d extends AbstractBlock {

    private final int kernel;
    private final int stride;

    /**
     * Creates the pool.
     *
     * @param kernel square window, {@code > 0}
     * @param stride stride, {@code > 0}
     * @throws IllegalArgumentException if a value is not positive
     */
    public AvgPool2d(int kernel, int stride) {
        Layers.positive("kernel", kernel);
        Layers.positive("stride", stride);
        this.kernel = kernel;
        this.stride = stride;
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

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(
                Pool.avgPool2d(
                        inputs.singletonOrThrow(),
                        new Shape(kernel, kernel),
                        new Shape(stride, stride),
                        new Shape(0, 0),
                        false,
                        true));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), out(in.get(2)), out(in.get(3)))};
    }

    private long out(long size) {
        return (size - kernel) / stride + 1;
    }
}
