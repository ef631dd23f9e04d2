package org.visionzoo.core.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.Objects;

/**
 * EfficientNetV2's Fused-MBConv (Tan and Le, 2021, "EfficientNetV2: Smaller Models and Faster
 * Training", section 3.2 and figure 2), as torchvision's {@code efficientnet.FusedMBConv}: the
 * expansion and depthwise convolutions of an {@link InvertedResidual} fused into one regular
 * {@code kernel x kernel} convolution, then a linear 1x1 projection; no squeeze-excitation.
 *
 * <p>One {@link Sequential} child {@code block}: if {@code expandedChannels != inChannels}, {@code
 * block.0} is a {@link ConvNormActivation} to the expanded channels ({@code kernel}, {@code
 * stride}, {@code activation}) and {@code block.1} a 1x1 {@link ConvNormActivation} to the output
 * channels with {@link Activation#IDENTITY}; otherwise {@code block.0} alone is a {@link
 * ConvNormActivation} to the output channels ({@code kernel}, {@code stride}, {@code activation}).
 * The input is added back, after stochastic depth ({@link StochasticDepth.Mode#ROW}), when {@code
 * stride == 1 && inChannels == outChannels}.
 *
 * <pre>{@code
 * var block = new FusedMBConv(new FusedMBConv.Config(
 *         24, 96, 48, 3, 2, Activation.SILU, 1e-3f, 0.1f, 0.05f));
 * }</pre>
 */
public final class FusedMBConv extends NamedBlock {

    /**
     * One block, fully resolved.
     *
     * @param inChannels input channels, {@code > 0}
     * @param expandedChannels channels after the fused expansion, {@code > 0}; the separate
     *     projection exists only when it differs from {@code inChannels}
     * @param outChannels output channels, {@code > 0}
     * @param kernel the kernel size of the fused convolution, odd and {@code > 0}
     * @param stride 1 or 2
     * @param activation the activation after the fused convolution
     * @param bnEps the batch norms' epsilon, {@code > 0}
     * @param bnMomentum the batch norms' momentum in PyTorch's convention, in (0, 1]
     * @param stochasticDepth the drop probability in [0, 1] of the residual branch, 0 for none
     */
    public record Config(
            int inChannels,
            int expandedChannels,
            int outChannels,
            int kernel,
            int stride,
            Activation activation,
            float bnEps,
            float bnMomentum,
            float stochasticDepth) {

        /**
         * Validates the fields; each message names the field and echoes the value.
         *
         * @throws IllegalArgumentException on an out-of-range value
         * @throws NullPointerException if {@code activation} is null
         */
        public Config {
            Layers.positive("inChannels", inChannels);
            Layers.positive("expandedChannels", expandedChannels);
            Layers.positive("outChannels", outChannels);
            InvertedResidual.checkKernel(kernel);
            InvertedResidual.checkStride(stride);
            Objects.requireNonNull(activation, "activation");
            InvertedResidual.checkNorm(bnEps, bnMomentum);
            InvertedResidual.checkStochasticDepth(stochasticDepth);
        }

        /**
         * Whether the block adds its input back: {@code stride == 1 && inChannels == outChannels}.
         *
         * @return whether the block is residual
         */
        public boolean hasResidual() {
            return stride == 1 && inChannels == outChannels;
        }
    }

    private final Config config;
    private final Sequential body;
    private final StochasticDepth stochasticDepth;

    /**
     * Builds the block.
     *
     * @param config the block's configuration
     */
    public FusedMBConv(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        Sequential seq = new Sequential();
        if (config.expandedChannels() != config.inChannels()) {
            seq.add(ConvNormActivation.builder(config.expandedChannels(), config.kernel())
                    .stride(config.stride()).norm(norm()).activation(config.activation()).build());
            seq.add(ConvNormActivation.builder(config.outChannels(), 1)
                    .norm(norm()).activation(Activation.IDENTITY).build());
        } else {
            seq.add(ConvNormActivation.builder(config.outChannels(), config.kernel())
                    .stride(config.stride()).norm(norm()).activation(config.activation()).build());
        }
        body = add("block", seq);
        stochasticDepth = config.hasResidual() && config.stochasticDepth() > 0
                ? add("stochastic_depth", new StochasticDepth(config.stochasticDepth(), StochasticDepth.Mode.ROW))
                : null;
    }

    private BatchNorm2d norm() {
        return new BatchNorm2d(config.bnEps(), config.bnMomentum());
    }

    /**
     * Returns the configuration.
     *
     * @return the configuration
     */
    public Config config() {
        return config;
    }

    /**
     * Whether the block adds its input back: {@code stride == 1 && inChannels == outChannels}.
     *
     * @return whether the block is residual
     */
    public boolean hasResidual() {
        return config.hasResidual();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(InvertedResidual.residualForward(
                ps, inputs.singletonOrThrow(), training, body, stochasticDepth, hasResidual()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return body.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        InvertedResidual.checkInput(inputShapes, config.inChannels());
        body.initialize(manager, dataType, inputShapes);
        if (stochasticDepth != null) {
            stochasticDepth.initialize(manager, dataType, body.getOutputShapes(inputShapes));
        }
    }
}
