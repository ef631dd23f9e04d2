package org.visionzoo.core.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/** Factories for the leaf layers, with PyTorch's conventions, and {@code makeDivisible}. */
public final class Layers {

    private Layers() {}

    /**
     * A 2-D convolution without bias (the convolutions before a batch norm), with "same" padding
     * {@code dilation * (kernel - 1) / 2} and weights drawn by {@link Init#kaimingNormalFanOut()}.
     *
     * @param outChannels output channels
     * @param kernel square kernel size
     * @param stride stride
     * @param groups groups (input and output channels must be divisible by it)
     * @return the convolution
     */
    public static Conv2d conv(int outChannels, int kernel, int stride, int groups) {
        return conv(outChannels, kernel, stride, (kernel - 1) / 2, groups, 1, false);
    }

    /**
     * A 2-D convolution with every option, weights drawn by {@link Init#kaimingNormalFanOut()} and
     * the bias, if any, zeroed (torchvision's initialisation for its CNN families).
     *
     * @param outChannels output channels, {@code > 0}
     * @param kernel square kernel size, {@code > 0}
     * @param stride stride, {@code > 0}
     * @param padding symmetric padding, {@code >= 0}
     * @param groups groups, {@code > 0}
     * @param dilation dilation, {@code > 0}
     * @param bias whether the convolution has a bias
     * @return the convolution
     * @throws IllegalArgumentException if a value is out of range
     */
    public static Conv2d conv(
            int outChannels,
            int kernel,
            int stride,
            int padding,
            int groups,
            int dilation,
            boolean bias) {
        positive("outChannels", outChannels);
        positive("kernel", kernel);
        positive("stride", stride);
        positive("groups", groups);
        positive("dilation", dilation);
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
        if (outChannels % groups != 0) {
            throw new IllegalArgumentException(
                    "outChannels (" + outChannels + ") must be divisible by groups (" + groups + ")");
        }
        Conv2d conv =
                new FoldableConv2d(
                        Conv2d.builder()
                                .setFilters(outChannels)
                                .setKernelShape(new Shape(kernel, kernel))
                                .optStride(new Shape(stride, stride))
                                .optPadding(new Shape(padding, padding))
                                .optDilation(new Shape(dilation, dilation))
                                .optGroups(groups)
                                .optBias(bias));
        conv.setInitializer(Init.kaimingNormalFanOut(), Parameter.Type.WEIGHT);
        if (bias) {
            conv.setInitializer(Init.ZEROS, Parameter.Type.BIAS);
        }
        return conv;
    }

    /**
     * A fully connected layer {@code (N, in) -> (N, out)} with PyTorch's default initialisation
     * (weight and bias uniform in +-1/sqrt(in)).
     *
     * @param inFeatures input features, {@code > 0}
     * @param outFeatures output features, {@code > 0}
     * @return the layer
     */
    public static Linear linear(long inFeatures, long outFeatures) {
        positive("inFeatures", inFeatures);
        positive("outFeatures", outFeatures);
        Linear linear = Linear.builder().setUnits(outFeatures).optBias(true).build();
        linear.setInitializer(Init.torchDefaultWeight(), Parameter.Type.WEIGHT);
        linear.setInitializer(Init.torchDefaultBias(inFeatures), Parameter.Type.BIAS);
        return linear;
    }

    /**
     * torchvision's {@code _make_divisible}: rounds {@code value} to the nearest multiple of {@code
     * divisor}, at least {@code minValue}, never going down by more than 10%.
     *
     * @param value the value to round
     * @param divisor the divisor, {@code > 0}
     * @param minValue the minimum result, or {@code null} for {@code divisor}
     * @return the rounded value
     */
    public static int makeDivisible(double value, int divisor, Integer minValue) {
        positive("divisor", divisor);
        int min = minValue == null ? divisor : minValue;
        int rounded = Math.max(min, (int) (value + divisor / 2.0) / divisor * divisor);
        if (rounded < 0.9 * value) {
            rounded += divisor;
        }
        return rounded;
    }

    /**
     * {@link #makeDivisible(double, int, Integer)} with the minimum equal to the divisor.
     *
     * @param value the value to round
     * @param divisor the divisor
     * @return the rounded value
     */
    public static int makeDivisible(double value, int divisor) {
        return makeDivisible(value, divisor, null);
    }

    static void positive(String field, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, got " + value);
        }
    }
}
