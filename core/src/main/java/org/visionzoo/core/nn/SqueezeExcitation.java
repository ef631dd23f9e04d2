package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.Objects;

/**
 * Squeeze-and-excitation (Hu et al., 2018, "Squeeze-and-Excitation Networks"), as torchvision's
 * {@code ops.SqueezeExcitation}: global average pool, 1x1 conv {@code fc1} to the squeeze channels,
 * activation, 1x1 conv {@code fc2} back, gate activation, then the input scaled channel-wise.
 *
 * <p>The gate is configurable: {@link Activation#SIGMOID} (EfficientNet) or {@link
 * Activation#HARD_SIGMOID} (MobileNetV3).
 */
public final class SqueezeExcitation extends NamedBlock {

    private final Conv2d fc1;
    private final Conv2d fc2;
    private final Activation activation;
    private final Activation gate;

    /**
     * Creates the block.
     *
     * @param inputChannels channels of the input (and output), {@code > 0}
     * @param squeezeChannels channels of the bottleneck, {@code > 0}
     * @param activation the activation after {@code fc1} (ReLU in torchvision's default, SiLU in
     *     EfficientNet)
     * @param gate the gate activation
     */
    public SqueezeExcitation(
            int inputChannels, int squeezeChannels, Activation activation, Activation gate) {
        Layers.positive("inputChannels", inputChannels);
        Layers.positive("squeezeChannels", squeezeChannels);
        this.activation = Objects.requireNonNull(activation, "activation");
        this.gate = Objects.requireNonNull(gate, "gate");
        fc1 = add("fc1", Layers.conv(squeezeChannels, 1, 1, 0, 1, 1, true));
        fc2 = add("fc2", Layers.conv(inputChannels, 1, 1, 0, 1, 1, true));
    }

    /**
     * Returns the activation after {@code fc1}.
     *
     * @return the activation
     */
    public Activation activation() {
        return activation;
    }

    /**
     * Returns the gate activation applied after {@code fc2}.
     *
     * @return the gate
     */
    public Activation gate() {
        return gate;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray s = Ops.globalAvgPoolKeepDims(x);
        s = consume(s, apply(fc1, ps, s, training));
        s = consume(s, activation.apply(s));
        s = consume(s, apply(fc2, ps, s, training));
        s = consume(s, gate.apply(s));
        NDArray out = x.mul(s);
        s.close();
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        Shape pooled = new Shape(in.get(0), in.get(1), 1, 1);
        fc1.initialize(manager, dataType, pooled);
        fc2.initialize(manager, dataType, fc1.getOutputShapes(new Shape[] {pooled}));
    }
}
