package org.visionzoo.mobilenet;

import ai.djl.nn.Block;

import org.visionzoo.core.Checks;
import org.visionzoo.core.model.ClassifierBuilder;
import org.visionzoo.core.model.ClassifierConfig;
import org.visionzoo.core.model.ConfiguredClassifier;
import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.ConvNormActivation;
import org.visionzoo.core.nn.InvertedResidual;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * MobileNetV2, exactly as torchvision builds it.
 *
 * <p>Sandler, Howard, Zhu, Zhmoginov and Chen, 2018, "MobileNetV2: Inverted Residuals and Linear
 * Bottlenecks" (CVPR), arXiv:1801.04381. A 3x3 stride-2 stem, the inverted residual blocks of the
 * paper's table 2 ({@link Row}: expansion {@code t}, output channels {@code c}, repeats {@code n},
 * stride {@code s} of the first repeat), a 1x1 convolution to {@code lastChannel} (1280), global
 * average pooling and {@code classifier} = dropout + linear. ReLU6 everywhere but after the
 * projections, which are linear (section 3.2).
 *
 * <p>Modules carry torchvision's names: {@code features.0} (stem {@code ConvNormActivation}),
 * {@code features.1} ... {@code features.17} (inverted residuals, {@code conv.*} keys, see {@link
 * InvertedResidual.Layout#MOBILENET_V2}), {@code features.18} (last 1x1 {@code
 * ConvNormActivation}), {@code classifier.1} (the linear layer). The width multiplier scales every
 * channel count with {@code _make_divisible(c * width, roundNearest)}, and the last channel with
 * {@code _make_divisible(1280 * max(1, width), roundNearest)}.
 *
 * <p>Input {@code (N, inChannels, H, W)}, any H, W from 1 up (5 stride-2 stages); output logits
 * {@code (N, numClasses)}.
 *
 * <pre>{@code
 * MobileNetV2 v2 = MobileNetVariant.MOBILENET_V2.builder().build();                          // 3,504,872 parameters
 * MobileNetV2 slim = MobileNetV2.builder().widthMultiplier(0.5).numClasses(10).build();
 * }</pre>
 */
public final class MobileNetV2 extends ConfiguredClassifier<MobileNetV2.Config, MobileNetV2.Builder> {

    /**
     * One row of the paper's table 2: {@code n} inverted residual blocks with expansion factor
     * {@code t} and {@code c} output channels, the first of stride {@code s}, the others of stride
     * 1.
     *
     * @param t the expansion factor, {@code >= 1} (the expanded width is {@code t} times the
     *     block's input channels; no expansion convolution when 1)
     * @param c the output channels before the width multiplier, {@code >= 1}
     * @param n the number of blocks, {@code >= 1}
     * @param s the stride of the first block, 1 or 2
     */
    public record Row(int t, int c, int n, int s) {

        /**
         * Validates the fields.
         *
         * @throws IllegalArgumentException on an out-of-range value, naming the field
         */
        public Row {
            Checks.atLeast("t", t, 1);
            Checks.atLeast("c", c, 1);
            Checks.atLeast("n", n, 1);
            Checks.stride("s", s);
        }
    }

    /** torchvision's (and the paper's table 2) inverted residual setting. */
    public static final List<Row> ROWS = List.of(
            new Row(1, 16, 1, 1),
            new Row(6, 24, 2, 2),
            new Row(6, 32, 3, 2),
            new Row(6, 64, 4, 2),
            new Row(6, 96, 3, 1),
            new Row(6, 160, 3, 2),
            new Row(6, 320, 1, 1));

    /** Stem channels before the width multiplier. */
    public static final int STEM_CHANNELS = 32;

    /** Channels of the last 1x1 convolution before the width multiplier. */
    public static final int LAST_CHANNEL = 1280;

    /**
     * The architecture, immutable.
     *
     * @param rows the inverted residual setting
     * @param widthMultiplier scales every channel count
     * @param roundNearest channel counts are rounded to multiples of it (1: no rounding)
     * @param dropout dropout probability before the classifier's linear layer, in training only
     * @param numClasses number of classes
     * @param inChannels input channels
     */
    public record Config(
            List<Row> rows, double widthMultiplier, int roundNearest, double dropout, int numClasses,
            int inChannels) implements ClassifierConfig {

        /** Copies the rows. */
        public Config {
            rows = List.copyOf(rows);
        }

        /**
         * Channels of the stem convolution.
         *
         * @return {@code _make_divisible(32 * width, roundNearest)}
         */
        public int stemChannels() {
            return Layers.makeDivisible(STEM_CHANNELS * widthMultiplier, roundNearest);
        }

        /**
         * Channels of the last convolution, the width of the pooled features.
         *
         * @return {@code _make_divisible(1280 * max(1, width), roundNearest)}
         */
        public int lastChannel() {
            return Layers.makeDivisible(LAST_CHANNEL * Math.max(1.0, widthMultiplier), roundNearest);
        }

        /**
         * Every inverted residual block, resolved: channels scaled and rounded, strides applied.
         *
         * @return the blocks, in order ({@code features.1} onwards)
         */
        public List<InvertedResidual.Config> blocks() {
            List<InvertedResidual.Config> blocks = new ArrayList<>();
            int in = stemChannels();
            for (Row row : rows) {
                int out = Layers.makeDivisible(row.c() * widthMultiplier, roundNearest);
                for (int i = 0; i < row.n(); i++) {
                    blocks.add(new InvertedResidual.Config(
                            in, in * row.t(), out, 3, i == 0 ? row.s() : 1, 1, Activation.RELU6, null,
                            1e-5f, 0.1f, 0f, InvertedResidual.Layout.MOBILENET_V2));
                    in = out;
                }
            }
            return blocks;
        }
    }

    private MobileNetV2(Config config) {
        super(config, Builder::new, "classifier", config.lastChannel());
        Sequential features = new Sequential();
        features.add(ConvNormActivation.builder(config().stemChannels(), 3)
                .stride(2).activation(Activation.RELU6).build());
        List<InvertedResidual.Config> blocks = config().blocks();
        for (InvertedResidual.Config block : blocks) {
            features.add(new InvertedResidual(block));
        }
        features.add(ConvNormActivation.builder(config().lastChannel(), 1).activation(Activation.RELU6).build());
        add("features", features);
        addHead();
    }

    @Override
    protected Block newHead(int numClasses) {
        return MobileNets.dropoutLinear(config().dropout(), featureDim(), numClasses);
    }

    /**
     * Starts a builder with torchvision's defaults (width 1.0, 1000 classes).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link MobileNetV2}; every setter validates its own field. Defaults are
     * torchvision's: the paper's rows, width 1.0, rounding to multiples of 8, dropout 0.2, 1000
     * classes, 3 input channels.
     */
    public static final class Builder extends ClassifierBuilder<Builder> {

        private List<Row> rows = ROWS;
        private double widthMultiplier = 1.0;
        private int roundNearest = 8;

        Builder() {
            super(1000, 0.2);
        }

        Builder(Config c) {
            this();
            rows = c.rows();
            widthMultiplier = c.widthMultiplier();
            roundNearest = c.roundNearest();
            shared(c);
        }

        /**
         * Replaces the inverted residual setting (default {@link #ROWS}, the paper's table 2).
         *
         * @param rows at least one row
         * @return this
         * @throws IllegalArgumentException if there is no row
         * @throws NullPointerException if a row is null
         */
        public Builder rows(List<Row> rows) {
            if (rows == null || rows.isEmpty()) {
                throw new IllegalArgumentException(
                        "rows must have at least 1 entry, got " + (rows == null ? "null" : "[]"));
            }
            this.rows = List.copyOf(rows);
            return this;
        }

        /**
         * Sets the width multiplier (default 1.0), which scales every channel count (the paper's
         * section 6.1 uses 0.35 to 1.4).
         *
         * @param widthMultiplier in (0, 10]
         * @return this
         * @throws IllegalArgumentException if {@code widthMultiplier} is outside (0, 10]
         */
        public Builder widthMultiplier(double widthMultiplier) {
            this.widthMultiplier = MobileNets.width(widthMultiplier, MobileNets.MAX_WIDTH);
            return this;
        }

        /**
         * Sets the multiple channel counts are rounded to (default 8; 1 turns rounding off).
         *
         * @param roundNearest {@code >= 1}
         * @return this
         * @throws IllegalArgumentException if {@code roundNearest < 1}
         */
        public Builder roundNearest(int roundNearest) {
            this.roundNearest = Checks.atLeast("roundNearest", roundNearest, 1);
            return this;
        }

        /**
         * Builds the model.
         *
         * @return a new, uninitialised model
         */
        public MobileNetV2 build() {
            Objects.requireNonNull(rows, "rows");
            return new MobileNetV2(
                    new Config(rows, widthMultiplier, roundNearest, dropout(), numClasses(), inChannels()));
        }
    }
}
