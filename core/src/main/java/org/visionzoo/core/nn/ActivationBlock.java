package org.visionzoo.core.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.Objects;

/** A parameter-free block applying an {@link Activation}, for use inside a {@link Sequential}. */
public final class ActivationBlock extends AbstractBlock {

    /** A shared, stateless ReLU, for chains of blocks that are not children. */
    public static final ActivationBlock RELU = new ActivationBlock(Activation.RELU);

    private final Activation activation;

    /**
     * Creates the block.
     *
     * @param activation the activation
     */
    public ActivationBlock(Activation activation) {
        this.activation = Objects.requireNonNull(activation, "activation");
    }

    /**
     * Returns the activation.
     *
     * @return the activation
     */
    public Activation activation() {
        return activation;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(activation.apply(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    // Nothing to initialise: this keeps the shared RELU free of the input-shape bookkeeping DJL
    // otherwise does on a training forward.
    @Override
    public boolean isInitialized() {
        return true;
    }

    @Override
    public String toString() {
        return "ActivationBlock(" + activation + ")";
    }
}
