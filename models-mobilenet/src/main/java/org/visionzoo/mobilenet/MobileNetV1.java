package org.visionzoo.mobilenet;

import ai.djl.nn.Block;

import org.visionzoo.core.Checks;
import org.visionzoo.core.model.ClassifierBuilder;
import org.visionzoo.core.model.ClassifierConfig;
import org.visionzoo.core.model.ConfiguredClassifier;
import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.ConvNormActivation;
import org.visionzoo.core.nn.Sequential;

import java.util.List;

/**
 * MobileNet (V1), the architecture of the paper's table 1.
 *
 * <p>Howard, Zhu, Chen, Kalenichenko, Wang, Weyand, Andreetto and Adam, 2017, "MobileNets:
 * Efficient Convolutional Neural Networks for Mobile Vision Applications", arXiv:1704.04861. A
 * 3x3 stride-2 convolution with 32 channels, then 13 depthwise-separable layers ({@link Row}): a
 * 3x3 depthwise convolution and a 1x1 pointwise convolution, each followed by batch norm and ReLU
 * (figure 3), then global average pooling and a fully connected layer. Counted as PyTorch counts
 * (batch-norm scale and shift included, running statistics not), MobileNet-224 at width 1.0 has
 * 4,231,976 parameters and 568.7M multiply-adds (the paper's 4.2M and 569M).
 *
 * <p>The width multiplier {@code alpha} (section 3.3) thins every layer to {@code max(8,
 * floor(alpha * channels))} channels (the rule of the authors' TF-slim {@code mobilenet_v1.py},
 * {@code min_depth} 8); the resolution multiplier {@code rho} is the input size, {@code 224 *
 * rho}, recorded as {@link Config#imageSize()} (the network itself accepts any size). The last
 * depthwise layer has stride 1: table 1's "s2" on the 7x7 input is a known misprint (its output is
 * 7x7 and the reference implementation uses stride 1).
 *
 * <p>torchvision has no MobileNet V1; the module names follow its MobileNets: {@code features.0}
 * (stem {@code ConvNormActivation}: {@code features.0.0} conv, {@code .1} batch norm), {@code
 * features.N} for the N-th depthwise-separable layer ({@code features.N.0} the depthwise, {@code
 * features.N.1} the pointwise {@code ConvNormActivation}), {@code classifier.0} dropout (0 by
 * default: the paper uses none) and {@code classifier.1} the linear layer. Initialisation is
 * torchvision's MobileNet scheme (Kaiming-normal fan-out convolutions, N(0, 0.01) classifier).
 *
 * <p>Input {@code (N, inChannels, H, W)}, any H, W from 1 up; output logits {@code (N,
 * numClasses)}.
 *
 * <pre>{@code
 * MobileNetV1 v1 = MobileNetVariant.MOBILENET_V1.builder().build();                                  // 4,231,976 parameters
 * MobileNetV1 half = MobileNetV1.builder().widthMultiplier(0.5).numClasses(10).build();
 * MobileNetV1 small = MobileNetV1.builder().widthMultiplier(0.75).imageSize(160).build();
 * }</pre>
 */
public final class MobileNetV1 extends ConfiguredClassifier<MobileNetV1.Config, MobileNetV1.Builder> {

    /**
     * One depthwise-separable layer of table 1: a 3x3 depthwise convolution of stride {@code
     * stride}, then a 1x1 convolution to {@code out} channels.
     *
     * @param stride the depthwise stride, 1 or 2
     * @param out the pointwise output channels before the width multiplier, {@code >= 1}
     */
    public record Row(int stride, int out) {

        /**
         * Validates the fields.
         *
         * @throws IllegalArgumentException on an out-of-range value, naming the field
         */
        public Row {
            Checks.stride("stride", stride);
            Checks.atLeast("out", out, 1);
        }
    }

    /** The stem's output channels before the width multiplier. */
    public static final int STEM_CHANNELS = 32;

    /** The 13 depthwise-separable layers of table 1 (the last with stride 1, see the class doc). */
    public static final List<Row> ROWS = List.of(
            new Row(1, 64),
            new Row(2, 128),
            new Row(1, 128),
            new Row(2, 256),
            new Row(1, 256),
            new Row(2, 512),
            new Row(1, 512),
            new Row(1, 512),
            new Row(1, 512),
            new Row(1, 512),
            new Row(1, 512),
            new Row(2, 1024),
            new Row(1, 1024));

    /** The smallest number of channels the width multiplier leaves a layer (TF-slim's min_depth). */
    public static final int MIN_CHANNELS = 8;

    /** The paper's input size (resolution multiplier 1). */
    public static final int BASE_IMAGE_SIZE = 224;

    /**
     * The architecture, immutable.
     *
     * @param widthMultiplier alpha, in (0, 1]
     * @param imageSize the input size the model is meant for ({@code 224 * rho}); recorded, not
     *     enforced
     * @param dropout dropout probability before the linear layer, in training only
     * @param numClasses number of classes
     * @param inChannels input channels
     */
    public record Config(
            double widthMultiplier, int imageSize, double dropout, int numClasses, int inChannels)
            implements ClassifierConfig {

        /**
         * Thins a layer: {@code max(8, floor(alpha * channels))}.
         *
         * @param channels the paper's channels
         * @return the channels at this width
         */
        public int channels(int channels) {
            return Math.max(MIN_CHANNELS, (int) (channels * widthMultiplier));
        }

        /**
         * Returns the resolution multiplier {@code rho = imageSize / 224}.
         *
         * @return rho
         */
        public double resolutionMultiplier() {
            return imageSize / (double) BASE_IMAGE_SIZE;
        }

        /**
         * Channels of the last pointwise convolution, the width of the pooled features.
         *
         * @return the feature dimension
         */
        public int numFeatures() {
            return channels(ROWS.get(ROWS.size() - 1).out());
        }
    }

    private MobileNetV1(Config config) {
        super(config, Builder::new, "classifier", config.numFeatures());
        Sequential features = new Sequential();
        int in = config().channels(STEM_CHANNELS);
        features.add(ConvNormActivation.builder(in, 3).stride(2).build());
        for (Row row : ROWS) {
            int out = config().channels(row.out());
            features.add(new Sequential()
                    .add(ConvNormActivation.builder(in, 3).stride(row.stride()).groups(in).build())
                    .add(ConvNormActivation.builder(out, 1).build()));
            in = out;
        }
        add("features", features);
        addHead();
    }

    @Override
    protected Block newHead(int numClasses) {
        return MobileNets.dropoutLinear(config().dropout(), featureDim(), numClasses);
    }

    /**
     * Starts a builder with the paper's MobileNet-224 at width 1.0 and 1000 classes.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link MobileNetV1}; every setter validates its own field. Defaults: width 1.0,
     * input 224, no dropout, 1000 classes, 3 input channels.
     */
    public static final class Builder extends ClassifierBuilder<Builder> {

        private double widthMultiplier = 1.0;
        private int imageSize = BASE_IMAGE_SIZE;

        Builder() {
            super(1000, 0);
        }

        Builder(Config c) {
            this();
            widthMultiplier = c.widthMultiplier();
            imageSize = c.imageSize();
            shared(c);
        }

        /**
         * Sets the width multiplier alpha (default 1.0; the paper uses 1, 0.75, 0.5 and 0.25).
         *
         * @param widthMultiplier in (0, 1]
         * @return this
         * @throws IllegalArgumentException if {@code widthMultiplier} is outside (0, 1]
         */
        public Builder widthMultiplier(double widthMultiplier) {
            this.widthMultiplier = MobileNets.width(widthMultiplier, 1.0);
            return this;
        }

        /**
         * Sets the input size the model is meant for (default 224; the paper uses 224, 192, 160
         * and 128), the resolution multiplier {@code rho = imageSize / 224}.
         *
         * @param imageSize {@code >= 1}
         * @return this
         * @throws IllegalArgumentException if {@code imageSize < 1}
         */
        public Builder imageSize(int imageSize) {
            this.imageSize = Checks.atLeast("imageSize", imageSize, 1);
            return this;
        }

        /**
         * Sets the resolution multiplier rho: the input size becomes {@code round(224 * rho)}.
         *
         * @param resolutionMultiplier in (0, 1]
         * @return this
         * @throws IllegalArgumentException if {@code resolutionMultiplier} is outside (0, 1] or
         *     gives an input size below 1
         */
        public Builder resolutionMultiplier(double resolutionMultiplier) {
            if (!(resolutionMultiplier > 0 && resolutionMultiplier <= 1)) {
                throw new IllegalArgumentException(
                        "resolutionMultiplier must be in (0, 1], got " + resolutionMultiplier);
            }
            return imageSize((int) Math.round(BASE_IMAGE_SIZE * resolutionMultiplier));
        }

        /**
         * Builds the model.
         *
         * @return a new, uninitialised model
         */
        public MobileNetV1 build() {
            return new MobileNetV1(new Config(widthMultiplier, imageSize, dropout(), numClasses(), inChannels()));
        }
    }
}
