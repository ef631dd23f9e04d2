package org.visionzoo.mobilenet;

import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;

import org.visionzoo.core.Checks;
import org.visionzoo.core.model.ClassifierBuilder;
import org.visionzoo.core.model.ClassifierConfig;
import org.visionzoo.core.model.ConfiguredClassifier;
import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.ActivationBlock;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.ConvNormActivation;
import org.visionzoo.core.nn.InvertedResidual;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * MobileNetV3-Large and -Small, exactly as torchvision builds them.
 *
 * <p>Howard, Sandler, Chu, Chen, Chen, Tan, Wang, Zhu, Pang, Vasudevan, Le and Adam, 2019,
 * "Searching for MobileNetV3" (ICCV), arXiv:1905.02244. A 3x3 stride-2 hard-swish stem with 16
 * channels, the bottleneck blocks of the paper's tables 1 (Large) and 2 (Small) ({@link Row}), a 1x1
 * convolution to 6 times the last block's channels, global average pooling, and {@code classifier}
 * = linear to {@code lastChannel} (1280 Large, 1024 Small), hard-swish, dropout, linear. Blocks are
 * {@link InvertedResidual}s ({@link InvertedResidual.Layout#BLOCK}) with squeeze-excitation where
 * the row says so: {@code _make_divisible(expanded / 4, 8)} squeeze channels, ReLU, hard-sigmoid
 * gate (section 5.3). Every batch norm has torchvision's V3 settings, eps 0.001 and momentum 0.01.
 *
 * <p>The width multiplier scales every channel count with {@code _make_divisible(c * width, 8)},
 * {@code lastChannel} included. {@link Builder#reducedTail()} halves the channels of the last stage
 * and {@code lastChannel}, {@link Builder#dilated()} gives the last stage dilation 2 (and stride 1),
 * as torchvision's {@code reduced_tail} and {@code dilated} for segmentation backbones.
 *
 * <p>Modules carry torchvision's names: {@code features.0} (stem), {@code features.1} ... (blocks,
 * {@code block.*} keys), the last {@code features.N} (1x1 {@code ConvNormActivation}), {@code
 * classifier.0} and {@code classifier.3} (the linear layers). The whole {@code classifier} is the
 * {@linkplain #head() head}, so {@link #replaceHead(int)} replaces both linear layers; the pooled
 * features the head consumes have {@link #featureDim()} = 6 times the last block's channels.
 *
 * <p>Input {@code (N, inChannels, H, W)}, any H, W from 1 up; output logits {@code (N,
 * numClasses)}.
 *
 * <pre>{@code
 * MobileNetV3 large = MobileNetVariant.MOBILENET_V3_LARGE.builder().build();                 // 5,483,032 parameters
 * MobileNetV3 small = MobileNetV3.builder().small().widthMultiplier(0.75).dropout(0.2).numClasses(10).build();
 * }</pre>
 */
public final class MobileNetV3 extends ConfiguredClassifier<MobileNetV3.Config, MobileNetV3.Builder> {

    /** The two architectures of the paper. */
    public enum Arch {
        /** MobileNetV3-Large, the paper's table 1. */
        LARGE,
        /** MobileNetV3-Small, the paper's table 2. */
        SMALL
    }

    /**
     * One row of the paper's table 1 or 2 (torchvision's {@code InvertedResidualConfig} without the
     * input channels, which are the previous row's output): one bottleneck block.
     *
     * @param kernel the depthwise kernel size, odd
     * @param expanded the expanded ("exp size") channels before the width multiplier
     * @param out the output channels before the width multiplier
     * @param se whether the block has squeeze-excitation
     * @param activation the nonlinearity ("NL"): {@link Activation#RELU} or {@link
     *     Activation#HARD_SWISH}
     * @param stride 1 or 2
     * @param dilation the depthwise dilation (2 only in the dilated last stage)
     */
    public record Row(int kernel, int expanded, int out, boolean se, Activation activation, int stride,
            int dilation) {

        /**
         * Validates the fields.
         *
         * @throws IllegalArgumentException on an out-of-range value, naming the field
         */
        public Row {
            Checks.oddKernel("kernel", kernel);
            Checks.atLeast("expanded", expanded, 1);
            Checks.atLeast("out", out, 1);
            Objects.requireNonNull(activation, "activation");
            Checks.stride("stride", stride);
            Checks.atLeast("dilation", dilation, 1);
        }
    }

    private static final Activation RE = Activation.RELU;
    private static final Activation HS = Activation.HARD_SWISH;

    /** Stem channels (the first row's input) before the width multiplier. */
    public static final int STEM_CHANNELS = 16;

    /** The paper's table 1 (MobileNetV3-Large), torchvision's rows. */
    public static final List<Row> LARGE_ROWS = List.of(
            new Row(3, 16, 16, false, RE, 1, 1),
            new Row(3, 64, 24, false, RE, 2, 1),
            new Row(3, 72, 24, false, RE, 1, 1),
            new Row(5, 72, 40, true, RE, 2, 1),
            new Row(5, 120, 40, true, RE, 1, 1),
            new Row(5, 120, 40, true, RE, 1, 1),
            new Row(3, 240, 80, false, HS, 2, 1),
            new Row(3, 200, 80, false, HS, 1, 1),
            new Row(3, 184, 80, false, HS, 1, 1),
            new Row(3, 184, 80, false, HS, 1, 1),
            new Row(3, 480, 112, true, HS, 1, 1),
            new Row(3, 672, 112, true, HS, 1, 1),
            new Row(5, 672, 160, true, HS, 2, 1),
            new Row(5, 960, 160, true, HS, 1, 1),
            new Row(5, 960, 160, true, HS, 1, 1));

    /** The paper's table 2 (MobileNetV3-Small), torchvision's rows. */
    public static final List<Row> SMALL_ROWS = List.of(
            new Row(3, 16, 16, true, RE, 2, 1),
            new Row(3, 72, 24, false, RE, 2, 1),
            new Row(3, 88, 24, false, RE, 1, 1),
            new Row(5, 96, 40, true, HS, 2, 1),
            new Row(5, 240, 40, true, HS, 1, 1),
            new Row(5, 240, 40, true, HS, 1, 1),
            new Row(5, 120, 48, true, HS, 1, 1),
            new Row(5, 144, 48, true, HS, 1, 1),
            new Row(5, 288, 96, true, HS, 2, 1),
            new Row(5, 576, 96, true, HS, 1, 1),
            new Row(5, 576, 96, true, HS, 1, 1));

    /** torchvision's MobileNetV3 batch-norm epsilon. */
    public static final float BN_EPS = 0.001f;

    /** torchvision's MobileNetV3 batch-norm momentum (PyTorch's convention). */
    public static final float BN_MOMENTUM = 0.01f;

    /**
     * The architecture, immutable.
     *
     * @param arch Large or Small
     * @param widthMultiplier scales every channel count
     * @param reducedTail halve the channels of the last stage and {@code lastChannel}
     * @param dilated dilation 2 in the last stage
     * @param dropout dropout probability in the classifier, in training only
     * @param numClasses number of classes
     * @param inChannels input channels
     */
    public record Config(
            Arch arch, double widthMultiplier, boolean reducedTail, boolean dilated, double dropout,
            int numClasses, int inChannels) implements ClassifierConfig {

        /** Checks the architecture is set. */
        public Config {
            Objects.requireNonNull(arch, "arch");
        }

        /**
         * The paper's rows with the tail options applied, before the width multiplier: the last
         * three rows (from the last stride-2 block on) get half the channels with {@code
         * reducedTail} and dilation 2 with {@code dilated}, as in torchvision.
         *
         * @return the rows
         */
        public List<Row> rows() {
            List<Row> table = arch == Arch.LARGE ? LARGE_ROWS : SMALL_ROWS;
            int divider = reducedTail ? 2 : 1;
            int dilation = dilated ? 2 : 1;
            List<Row> rows = new ArrayList<>(table);
            int tail = rows.size() - 3;
            for (int i = tail; i < rows.size(); i++) {
                Row r = rows.get(i);
                int expanded = i == tail ? r.expanded() : r.expanded() / divider;
                rows.set(i, new Row(r.kernel(), expanded, r.out() / divider, r.se(), r.activation(),
                        r.stride(), dilation));
            }
            return List.copyOf(rows);
        }

        private int adjust(int channels) {
            return Layers.makeDivisible(channels * widthMultiplier, 8);
        }

        /**
         * Channels of the stem convolution.
         *
         * @return {@code _make_divisible(16 * width, 8)}
         */
        public int stemChannels() {
            return adjust(STEM_CHANNELS);
        }

        /**
         * Every bottleneck block, resolved: channels scaled and rounded, SE channels computed.
         *
         * @return the blocks, in order ({@code features.1} onwards)
         */
        public List<InvertedResidual.Config> blocks() {
            List<InvertedResidual.Config> blocks = new ArrayList<>();
            int in = stemChannels();
            for (Row row : rows()) {
                int expanded = adjust(row.expanded());
                int out = adjust(row.out());
                InvertedResidual.Squeeze se = row.se()
                        ? new InvertedResidual.Squeeze(Layers.makeDivisible(expanded / 4, 8),
                                Activation.RELU, Activation.HARD_SIGMOID)
                        : null;
                blocks.add(new InvertedResidual.Config(
                        in, expanded, out, row.kernel(), row.stride(), row.dilation(), row.activation(), se,
                        BN_EPS, BN_MOMENTUM, 0f, InvertedResidual.Layout.BLOCK));
                in = out;
            }
            return blocks;
        }

        /**
         * Channels of the last convolution, the width of the pooled features: 6 times the last
         * block's output channels.
         *
         * @return the feature dimension
         */
        public int lastConvChannels() {
            List<Row> rows = rows();
            return 6 * adjust(rows.get(rows.size() - 1).out());
        }

        /**
         * Width of the classifier's hidden layer: {@code _make_divisible(1280 * width, 8)} for
         * Large, 1024 for Small, halved before scaling with {@code reducedTail}.
         *
         * @return the hidden width
         */
        public int lastChannel() {
            return adjust((arch == Arch.LARGE ? 1280 : 1024) / (reducedTail ? 2 : 1));
        }
    }

    private MobileNetV3(Config config) {
        super(config, Builder::new, "classifier", config.lastConvChannels());
        Sequential features = new Sequential();
        features.add(ConvNormActivation.builder(config().stemChannels(), 3)
                .stride(2).norm(norm()).activation(Activation.HARD_SWISH).build());
        for (InvertedResidual.Config block : config().blocks()) {
            features.add(new InvertedResidual(block));
        }
        features.add(ConvNormActivation.builder(config().lastConvChannels(), 1)
                .norm(norm()).activation(Activation.HARD_SWISH).build());
        add("features", features);
        addHead();
    }

    private static BatchNorm2d norm() {
        return new BatchNorm2d(BN_EPS, BN_MOMENTUM);
    }

    @Override
    protected Block newHead(int numClasses) {
        int hidden = config().lastChannel();
        return new Sequential()
                .add(MobileNets.linear(featureDim(), hidden))
                .add(new ActivationBlock(Activation.HARD_SWISH))
                .add(Dropout.builder().optRate((float) config().dropout()).build())
                .add(MobileNets.linear(hidden, numClasses));
    }

    /**
     * Starts a builder with torchvision's defaults: Large, width 1.0, dropout 0.2, 1000 classes.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link MobileNetV3}; every setter validates its own field. Defaults are
     * torchvision's: Large, width 1.0, no reduced tail, no dilation, dropout 0.2, 1000 classes, 3
     * input channels.
     */
    public static final class Builder extends ClassifierBuilder<Builder> {

        private Arch arch = Arch.LARGE;
        private double widthMultiplier = 1.0;
        private boolean reducedTail;
        private boolean dilated;

        Builder() {
            super(1000, 0.2);
        }

        Builder(Config c) {
            this();
            arch = c.arch();
            widthMultiplier = c.widthMultiplier();
            reducedTail = c.reducedTail();
            dilated = c.dilated();
            shared(c);
        }

        /**
         * Chooses MobileNetV3-Large (the default).
         *
         * @return this
         */
        public Builder large() {
            return arch(Arch.LARGE);
        }

        /**
         * Chooses MobileNetV3-Small.
         *
         * @return this
         */
        public Builder small() {
            return arch(Arch.SMALL);
        }

        /**
         * Chooses the architecture.
         *
         * @param arch Large or Small
         * @return this
         * @throws NullPointerException if {@code arch} is null
         */
        public Builder arch(Arch arch) {
            this.arch = Objects.requireNonNull(arch, "arch");
            return this;
        }

        /**
         * Sets the width multiplier (default 1.0; the paper reports 0.35 to 1.25).
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
         * Halves the channels of the last stage and of the classifier's hidden layer (torchvision's
         * {@code reduced_tail}, section 6.4 of the paper).
         *
         * @return this
         */
        public Builder reducedTail() {
            return reducedTail(true);
        }

        /**
         * Chooses the reduced tail (true) or the paper's classification tail (false, the default).
         *
         * @param reducedTail whether to halve the last stage
         * @return this
         */
        public Builder reducedTail(boolean reducedTail) {
            this.reducedTail = reducedTail;
            return this;
        }

        /**
         * Gives the last stage dilation 2 and stride 1 (torchvision's {@code dilated}).
         *
         * @return this
         */
        public Builder dilated() {
            return dilated(true);
        }

        /**
         * Chooses dilation 2 (true) or 1 (false, the default) in the last stage.
         *
         * @param dilated whether to dilate the last stage
         * @return this
         */
        public Builder dilated(boolean dilated) {
            this.dilated = dilated;
            return this;
        }

        /**
         * Builds the model.
         *
         * @return a new, uninitialised model
         */
        public MobileNetV3 build() {
            return new MobileNetV3(
                    new Config(arch, widthMultiplier, reducedTail, dilated, dropout(), numClasses(), inChannels()));
        }
    }
}
