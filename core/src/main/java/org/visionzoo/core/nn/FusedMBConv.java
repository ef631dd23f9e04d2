package org.visionzoo.core.nn;

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
public final class FusedMBConv extends StochasticResidual {

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
            float stochasticDepth) implements Settings {

        /**
         * Validates the fields; each message names the field and echoes the value.
         *
         * @throws IllegalArgumentException on an out-of-range value
         * @throws NullPointerException if {@code activation} is null
         */
        public Config {
            validate(inChannels, expandedChannels, outChannels, kernel, stride, activation, bnEps, bnMomentum,
                    stochasticDepth);
        }
    }

    private final Config config;

    /**
     * Builds the block.
     *
     * @param config the block's configuration
     */
    public FusedMBConv(Config config) {
        super("block", body(config), config);
        this.config = config;
    }

    private static Sequential body(Config config) {
        Objects.requireNonNull(config, "config");
        BatchNorm2d norm = new BatchNorm2d(config.bnEps(), config.bnMomentum());
        Sequential seq = new Sequential();
        if (config.expandedChannels() != config.inChannels()) {
            seq.add(ConvNormActivation.builder(config.expandedChannels(), config.kernel())
                    .stride(config.stride()).norm(norm).activation(config.activation()).build());
            seq.add(ConvNormActivation.builder(config.outChannels(), 1)
                    .norm(new BatchNorm2d(config.bnEps(), config.bnMomentum()))
                    .activation(Activation.IDENTITY).build());
        } else {
            seq.add(ConvNormActivation.builder(config.outChannels(), config.kernel())
                    .stride(config.stride()).norm(norm).activation(config.activation()).build());
        }
        return seq;
    }

    /**
     * Returns the configuration.
     *
     * @return the configuration
     */
    public Config config() {
        return config;
    }
}
