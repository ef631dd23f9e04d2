package org.visionzoo.core.nn;

import org.visionzoo.core.Checks;

import java.util.Objects;

/**
 * torchvision's {@code Conv2dNormActivation}: a bias-free convolution (module {@code 0}), a batch
 * norm ({@code 1}) and an activation ({@code 2}, omitted for {@link Activation#IDENTITY}), with
 * "same" padding {@code dilation * (kernel - 1) / 2}. Built with named settings, so that no run of
 * positional ints can put a stride where groups belong:
 *
 * <pre>{@code
 * Block stem = ConvNormActivation.builder(32, 3).stride(2).activation(Activation.HARD_SWISH).build();
 * Block depthwise = ConvNormActivation.builder(96, 5).groups(96).norm(new BatchNorm2d(1e-3f, 0.01f)).build();
 * }</pre>
 */
public final class ConvNormActivation extends Sequential {

    private ConvNormActivation(Builder b) {
        add(Layers.conv(b.outChannels, b.kernel, b.stride, b.dilation * (b.kernel - 1) / 2, b.groups,
                b.dilation, false));
        add(b.norm == null ? new BatchNorm2d() : b.norm);
        if (b.activation != Activation.IDENTITY) {
            add(new ActivationBlock(b.activation));
        }
    }

    /**
     * Starts a builder: stride 1, groups 1, dilation 1, a batch norm with PyTorch's defaults and
     * ReLU unless set otherwise.
     *
     * @param outChannels output channels, {@code >= 1}
     * @param kernel square kernel size, odd and {@code >= 1}
     * @return the builder
     * @throws IllegalArgumentException if {@code outChannels < 1} or the kernel is even or {@code < 1}
     */
    public static Builder builder(int outChannels, int kernel) {
        return new Builder(outChannels, kernel);
    }

    /** The settings of a {@link ConvNormActivation}; each setter validates its value. */
    public static final class Builder {

        private final int outChannels;
        private final int kernel;
        private int stride = 1;
        private int groups = 1;
        private int dilation = 1;
        private BatchNorm2d norm;
        private Activation activation = Activation.RELU;

        private Builder(int outChannels, int kernel) {
            this.outChannels = Checks.atLeast("outChannels", outChannels, 1);
            this.kernel = Checks.oddKernel("kernel", kernel);
        }

        /**
         * Sets the stride (default 1).
         *
         * @param stride {@code >= 1}
         * @return this
         */
        public Builder stride(int stride) {
            this.stride = Checks.atLeast("stride", stride, 1);
            return this;
        }

        /**
         * Sets the convolution groups (default 1; the input channels for a depthwise convolution).
         *
         * @param groups {@code >= 1}
         * @return this
         */
        public Builder groups(int groups) {
            this.groups = Checks.atLeast("groups", groups, 1);
            return this;
        }

        /**
         * Sets the dilation (default 1).
         *
         * @param dilation {@code >= 1}
         * @return this
         */
        public Builder dilation(int dilation) {
            this.dilation = Checks.atLeast("dilation", dilation, 1);
            return this;
        }

        /**
         * Sets the batch norm, for another epsilon or momentum (default: PyTorch's, 1e-5 and 0.1).
         *
         * @param norm a new batch norm, not shared with another block
         * @return this
         */
        public Builder norm(BatchNorm2d norm) {
            this.norm = Objects.requireNonNull(norm, "norm");
            return this;
        }

        /**
         * Sets the activation (default ReLU; {@link Activation#IDENTITY} for none).
         *
         * @param activation the activation
         * @return this
         */
        public Builder activation(Activation activation) {
            this.activation = Objects.requireNonNull(activation, "activation");
            return this;
        }

        /**
         * Builds the block.
         *
         * @return a new, uninitialised block
         */
        public ConvNormActivation build() {
            return new ConvNormActivation(this);
        }
    }
}
