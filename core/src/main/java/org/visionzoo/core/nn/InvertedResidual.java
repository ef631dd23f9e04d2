package org.visionzoo.core.nn;

import java.util.Objects;

/**
 * The inverted residual block with linear bottleneck (Sandler et al., 2018, "MobileNetV2: Inverted
 * Residuals and Linear Bottlenecks", section 3.3), also called MBConv: an optional 1x1 expansion,
 * a depthwise {@code kernel x kernel} convolution, optional squeeze-excitation (Howard et al.,
 * 2019, "Searching for MobileNetV3", section 5.3; Tan and Le, 2019, "EfficientNet") and a linear
 * 1x1 projection, with the input added back when {@link #hasResidual()}.
 *
 * <p>One block serves torchvision's MobileNetV2 {@code InvertedResidual}, MobileNetV3 {@code
 * InvertedResidual} and EfficientNet {@code MBConv}; {@link Layout} picks the module names, and so
 * the {@code state_dict} keys, of each. Input {@code (N, inChannels, H, W)}, output {@code (N,
 * outChannels, H', W')} with {@code H' = ceil(H / stride)} (stride 1 when {@code dilation > 1}).
 *
 * <pre>{@code
 * var se = new InvertedResidual.Squeeze(24, Activation.RELU, Activation.HARD_SIGMOID);
 * var block = new InvertedResidual(new InvertedResidual.Config(
 *         40, 96, 40, 5, 1, 1, Activation.HARD_SWISH, se, 1e-3f, 0.01f, 0f,
 *         InvertedResidual.Layout.BLOCK));
 * }</pre>
 */
public final class InvertedResidual extends StochasticResidual {

    /** How torchvision names the children (the names are the {@code state_dict} keys). */
    public enum Layout {
        /**
         * MobileNetV2: one {@link Sequential} child {@code conv}: [expand {@link ConvNormActivation}
         * 1x1 (only if expanded != in)], depthwise {@link ConvNormActivation}, the projection as a
         * bare bias-free 1x1 convolution, then a bare {@link BatchNorm2d}: keys {@code
         * conv.0.0.weight}, {@code conv.0.1.*}, {@code conv.1.0.weight}, {@code conv.1.1.*}, {@code
         * conv.2.weight}, {@code conv.3.*} (without expansion {@code conv.0} is the depthwise
         * convolution, {@code conv.1} the projection and {@code conv.2} the batch norm). No
         * squeeze-excitation.
         */
        MOBILENET_V2,
        /**
         * MobileNetV3 and EfficientNet: one {@link Sequential} child {@code block}: [expand {@link
         * ConvNormActivation} (only if expanded != in)], depthwise {@link ConvNormActivation},
         * [{@link SqueezeExcitation} ({@code fc1}, {@code fc2})], projection {@link
         * ConvNormActivation} with {@link Activation#IDENTITY}: keys {@code block.0.0.weight},
         * {@code block.2.fc1.weight}, ...
         */
        BLOCK
    }

    /**
     * Squeeze-excitation inside the block, after the depthwise convolution.
     *
     * @param channels the squeeze (bottleneck) channels, {@code > 0}
     * @param activation the activation after {@code fc1} (ReLU in MobileNetV3, SiLU in
     *     EfficientNet)
     * @param gate the gate ({@link Activation#HARD_SIGMOID} in MobileNetV3, {@link
     *     Activation#SIGMOID} in EfficientNet)
     */
    public record Squeeze(int channels, Activation activation, Activation gate) {

        /**
         * Validates the fields.
         *
         * @throws IllegalArgumentException if {@code channels <= 0}
         * @throws NullPointerException if an activation is null
         */
        public Squeeze {
            if (channels <= 0) {
                throw new IllegalArgumentException("squeeze channels must be > 0, got " + channels);
            }
            Objects.requireNonNull(activation, "squeeze activation");
            Objects.requireNonNull(gate, "squeeze gate");
        }
    }

    /**
     * One block, fully resolved: channel counts are already scaled and made divisible by the
     * family.
     *
     * @param inChannels input channels, {@code > 0}
     * @param expandedChannels channels of the depthwise stage, {@code > 0}; the expansion
     *     convolution exists only when it differs from {@code inChannels}
     * @param outChannels output channels, {@code > 0}
     * @param kernel the depthwise kernel size, odd and {@code > 0}
     * @param stride 1 or 2
     * @param dilation the depthwise dilation, {@code > 0}; when {@code > 1} the depthwise
     *     convolution runs with stride 1 (torchvision's MobileNetV3), while the residual test
     *     still uses {@code stride}
     * @param activation the activation after the expansion and the depthwise convolution
     * @param squeeze the squeeze-excitation, or {@code null} for none ({@link Layout#BLOCK} only)
     * @param bnEps the batch norms' epsilon, {@code > 0}
     * @param bnMomentum the batch norms' momentum in PyTorch's convention, in (0, 1]
     * @param stochasticDepth the drop probability in [0, 1] of the residual branch ({@link
     *     StochasticDepth.Mode#ROW}), 0 for none; used only when {@link #hasResidual()}
     * @param layout the module names
     */
    public record Config(
            int inChannels,
            int expandedChannels,
            int outChannels,
            int kernel,
            int stride,
            int dilation,
            Activation activation,
            Squeeze squeeze,
            float bnEps,
            float bnMomentum,
            float stochasticDepth,
            Layout layout) implements Settings {

        /**
         * Validates the fields; each message names the field and echoes the value.
         *
         * @throws IllegalArgumentException on an out-of-range value
         * @throws NullPointerException if {@code activation} or {@code layout} is null
         */
        public Config {
            validate(inChannels, expandedChannels, outChannels, kernel, stride, activation, bnEps, bnMomentum,
                    stochasticDepth);
            Layers.positive("dilation", dilation);
            Objects.requireNonNull(layout, "layout");
            if (squeeze != null && layout == Layout.MOBILENET_V2) {
                throw new IllegalArgumentException(
                        "squeeze must be null for Layout.MOBILENET_V2 (torchvision's MobileNetV2"
                                + " block has no squeeze-excitation), got " + squeeze);
            }
        }
    }

    private final Config config;

    /**
     * Builds the block.
     *
     * @param config the block's configuration
     */
    public InvertedResidual(Config config) {
        super(Objects.requireNonNull(config, "config").layout() == Layout.MOBILENET_V2 ? "conv" : "block",
                body(config), config);
        this.config = config;
    }

    private static Sequential body(Config config) {
        Sequential seq = new Sequential();
        int expanded = config.expandedChannels();
        if (expanded != config.inChannels()) {
            seq.add(ConvNormActivation.builder(expanded, 1)
                    .norm(norm(config)).activation(config.activation()).build());
        }
        int depthwiseStride = config.dilation() > 1 ? 1 : config.stride();
        seq.add(ConvNormActivation.builder(expanded, config.kernel())
                .stride(depthwiseStride).groups(expanded).dilation(config.dilation()).norm(norm(config))
                .activation(config.activation()).build());
        if (config.layout() == Layout.MOBILENET_V2) {
            seq.add(Layers.conv(config.outChannels(), 1, 1, 1));
            seq.add(norm(config));
            return seq;
        }
        Squeeze se = config.squeeze();
        if (se != null) {
            seq.add(new SqueezeExcitation(expanded, se.channels(), se.activation(), se.gate()));
        }
        seq.add(ConvNormActivation.builder(config.outChannels(), 1)
                .norm(norm(config)).activation(Activation.IDENTITY).build());
        return seq;
    }

    private static BatchNorm2d norm(Config config) {
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
}
