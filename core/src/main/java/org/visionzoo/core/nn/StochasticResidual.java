package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.visionzoo.core.Checks;

import java.util.Objects;

/**
 * The residual plumbing of the MBConv-style blocks, {@link InvertedResidual} and {@link
 * FusedMBConv}, as torchvision writes it in both: one {@link Sequential} child, the body; when the
 * block is residual (stride 1 and as many output channels as input), its output passes stochastic
 * depth ({@link StochasticDepth.Mode#ROW}, a child {@code stochastic_depth} that exists only for a
 * probability above 0) and the input is added back. The subclass builds the body; this class runs
 * it, gives the output shapes and initialises the children.
 */
public abstract sealed class StochasticResidual extends NamedBlock permits InvertedResidual, FusedMBConv {

    /**
     * The settings both blocks' configurations have ({@link InvertedResidual.Config}, {@link
     * FusedMBConv.Config}), from which the residual plumbing follows.
     */
    public sealed interface Settings permits InvertedResidual.Config, FusedMBConv.Config {

        /**
         * Returns the input channels.
         *
         * @return the input channels
         */
        int inChannels();

        /**
         * Returns the output channels.
         *
         * @return the output channels
         */
        int outChannels();

        /**
         * Returns the stride.
         *
         * @return 1 or 2
         */
        int stride();

        /**
         * Returns the drop probability of the residual branch.
         *
         * @return the probability in [0, 1], 0 for none
         */
        float stochasticDepth();

        /**
         * Whether the block adds its input back: {@code stride == 1 && inChannels ==
         * outChannels}, torchvision's {@code use_res_connect}.
         *
         * @return whether the block is residual
         */
        default boolean hasResidual() {
            return stride() == 1 && inChannels() == outChannels();
        }
    }

    private final Sequential body;
    private final int inChannels;
    private final boolean residual;
    private final StochasticDepth stochasticDepth;

    /**
     * Adds the body and, where it applies, the stochastic depth.
     *
     * @param bodyName the body's module name ({@code block}, or {@code conv} in MobileNetV2)
     * @param body the body
     * @param settings the block's configuration
     */
    StochasticResidual(String bodyName, Sequential body, Settings settings) {
        this.body = add(bodyName, body);
        this.inChannels = settings.inChannels();
        this.residual = settings.hasResidual();
        this.stochasticDepth = residual && settings.stochasticDepth() > 0
                ? add("stochastic_depth", new StochasticDepth(settings.stochasticDepth(), StochasticDepth.Mode.ROW))
                : null;
    }

    /**
     * Whether the block adds its input back: {@code stride == 1 && inChannels == outChannels}
     * (torchvision's {@code use_res_connect}).
     *
     * @return whether the block is residual
     */
    public final boolean hasResidual() {
        return residual;
    }

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = apply(body, ps, x, training);
        if (!residual) {
            return new NDList(y);
        }
        if (stochasticDepth != null) {
            y = consume(y, apply(stochasticDepth, ps, y, training));
        }
        NDArray out = y.add(x);
        y.close();
        return new NDList(out);
    }

    @Override
    public final Shape[] getOutputShapes(Shape[] inputShapes) {
        return body.getOutputShapes(inputShapes);
    }

    @Override
    protected final void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        if (in.dimension() != 4 || in.get(1) != inChannels) {
            throw new IllegalArgumentException(
                    "expected input (N, " + inChannels + ", H, W), got " + in);
        }
        body.initialize(manager, dataType, inputShapes);
        if (stochasticDepth != null) {
            stochasticDepth.initialize(manager, dataType, body.getOutputShapes(inputShapes));
        }
    }

    /**
     * Validates the settings both blocks' configurations have; each message names the field and
     * echoes the value.
     *
     * @param inChannels input channels, {@code > 0}
     * @param expandedChannels expanded channels, {@code > 0}
     * @param outChannels output channels, {@code > 0}
     * @param kernel the kernel size, odd and {@code > 0}
     * @param stride 1 or 2
     * @param activation the activation, not null
     * @param bnEps the batch norms' epsilon, {@code > 0}
     * @param bnMomentum the batch norms' momentum in PyTorch's convention, in (0, 1]
     * @param stochasticDepth the drop probability, in [0, 1]
     * @throws IllegalArgumentException on an out-of-range value
     * @throws NullPointerException if {@code activation} is null
     */
    static void validate(
            int inChannels,
            int expandedChannels,
            int outChannels,
            int kernel,
            int stride,
            Activation activation,
            float bnEps,
            float bnMomentum,
            float stochasticDepth) {
        Layers.positive("inChannels", inChannels);
        Layers.positive("expandedChannels", expandedChannels);
        Layers.positive("outChannels", outChannels);
        Checks.oddKernel("kernel", kernel);
        Checks.stride("stride", stride);
        Objects.requireNonNull(activation, "activation");
        if (!(bnEps > 0)) {
            throw new IllegalArgumentException("bnEps must be > 0, got " + bnEps);
        }
        if (!(bnMomentum > 0 && bnMomentum <= 1)) {
            throw new IllegalArgumentException("bnMomentum must be in (0, 1], got " + bnMomentum);
        }
        if (!(stochasticDepth >= 0 && stochasticDepth <= 1)) {
            throw new IllegalArgumentException("stochasticDepth must be in [0, 1], got " + stochasticDepth);
        }
    }
}
