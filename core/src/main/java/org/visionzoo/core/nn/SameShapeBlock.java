package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A parameter-free block of one input whose output has the input's shape ({@link
 * ActivationBlock}, {@link StochasticDepth}): the subclass gives the function, this class the
 * block's plumbing and output shape.
 */
public abstract sealed class SameShapeBlock extends AbstractBlock permits ActivationBlock, StochasticDepth {

    /** Creates the block. */
    SameShapeBlock() {}

    /**
     * Applies the block's function.
     *
     * @param x the input, left open
     * @param training whether this is a training pass
     * @return the output, of the input's shape: a new array, or {@code x} itself where the function
     *     is the identity
     */
    abstract NDArray compute(NDArray x, boolean training);

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(compute(inputs.singletonOrThrow(), training));
    }

    @Override
    public final Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
