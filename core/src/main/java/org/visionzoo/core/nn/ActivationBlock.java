package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;

import java.util.Objects;

/** A parameter-free block applying an {@link Activation}, for use inside a {@link Sequential}. */
public final class ActivationBlock extends SameShapeBlock {

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
    NDArray compute(NDArray x, boolean training) {
        return activation.apply(x);
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
