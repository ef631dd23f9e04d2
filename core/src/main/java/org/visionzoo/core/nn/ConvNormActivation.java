package org.visionzoo.core.nn;

import java.util.Objects;

/**
 * torchvision's {@code Conv2dNormActivation}: a bias-free convolution (module {@code 0}), a batch
 * norm ({@code 1}) and an activation ({@code 2}, omitted for {@link Activation#IDENTITY}), with
 * "same" padding {@code dilation * (kernel - 1) / 2}.
 *
 * <pre>{@code
 * Block stem = new ConvNormActivation(32, 3, 2, 1, 1, new BatchNorm2d(), Activation.HARD_SWISH);
 * }</pre>
 */
public final class ConvNormActivation extends Sequential {

    /**
     * A conv + batch norm (PyTorch defaults) + activation with dilation 1.
     *
     * @param outChannels output channels
     * @param kernel square kernel size
     * @param stride stride
     * @param groups groups (the input channels for a depthwise convolution)
     * @param activation the activation
     */
    public ConvNormActivation(
            int outChannels, int kernel, int stride, int groups, Activation activation) {
        this(outChannels, kernel, stride, groups, 1, new BatchNorm2d(), activation);
    }

    /**
     * A conv + batch norm + activation.
     *
     * @param outChannels output channels
     * @param kernel square kernel size
     * @param stride stride
     * @param groups groups
     * @param dilation dilation
     * @param norm the batch norm (its epsilon and momentum)
     * @param activation the activation
     */
    public ConvNormActivation(
            int outChannels,
            int kernel,
            int stride,
            int groups,
            int dilation,
            BatchNorm2d norm,
            Activation activation) {
        add(Layers.conv(outChannels, kernel, stride, dilation * (kernel - 1) / 2, groups, dilation, false));
        add(Objects.requireNonNull(norm, "norm"));
        if (Objects.requireNonNull(activation, "activation") != Activation.IDENTITY) {
            add(new ActivationBlock(activation));
        }
    }
}
