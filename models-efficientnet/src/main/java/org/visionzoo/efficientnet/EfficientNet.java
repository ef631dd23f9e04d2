package org.visionzoo.efficientnet;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import org.visionzoo.core.Checks;
import org.visionzoo.core.model.ClassifierBuilder;
import org.visionzoo.core.model.ClassifierConfig;
import org.visionzoo.core.model.ConfiguredClassifier;
import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.ConvNormActivation;
import org.visionzoo.core.nn.FusedMBConv;
import org.visionzoo.core.nn.Heads;
import org.visionzoo.core.nn.Init;
import org.visionzoo.core.nn.InvertedResidual;
import org.visionzoo.core.nn.Sequential;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * EfficientNet (B0-B7) and EfficientNetV2 (S, M, L), exactly as torchvision builds them, from any
 * stage table and any compound-scaling coefficients.
 *
 * <p>Tan and Le, 2019, "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks"
 * (ICML), arXiv:1905.11946: a baseline found by architecture search (B0, stages of MBConv blocks
 * with squeeze-excitation and SiLU) scaled in width, depth and resolution together ({@link
 * Scaling}). Tan and Le, 2021, "EfficientNetV2: Smaller Models and Faster Training" (ICML),
 * arXiv:2104.00298: Fused-MBConv blocks in the early stages, smaller expansion ratios, 3x3
 * kernels only.
 *
 * <p>Structure and module names are torchvision's, so its weights import as they are: {@code
 * features.0} the stem (3x3 stride-2 convolution, batch norm, SiLU: {@code features.0.0},
 * {@code features.0.1}), {@code features.1} ... {@code features.S} one {@code Sequential} per
 * stage of blocks {@code features.k.j} ({@link InvertedResidual} in its {@code BLOCK} layout for
 * MBConv, {@link FusedMBConv}; each block's children under {@code block}), {@code
 * features.(S+1)} the last 1x1 convolution (to 4 x the last stage's channels, or 1280 for V2),
 * then global average pooling and {@code classifier} = dropout ({@code classifier.0}) and a
 * linear layer ({@code classifier.1}). Block {@code i} of {@code n} (counted over all stages from
 * 0) drops its residual branch with probability {@code stochasticDepth * i / n} in training.
 *
 * <p>Input {@code (N, inChannels, H, W)}, any size from 1x1 (the stem and four stages halve it,
 * with padding); output logits {@code (N, numClasses)}.
 *
 * <pre>{@code
 * EfficientNet b0 = EfficientNetVariant.EFFICIENTNET_B0.builder().build();
 * EfficientNet custom = EfficientNet.builder().widthMultiplier(1.1).depthMultiplier(1.2).dropout(0.3)
 *         .stochasticDepth(0.2).numClasses(10).build();               // B2's architecture, 10 classes
 * EfficientNet v2s = EfficientNetVariant.EFFICIENTNET_V2_S.builder().numClasses(10).build();
 * EfficientNet mine = EfficientNet.builder().stages(
 *         new FusedMBConvStage(1, 3, 1, 16, 16, 1), new MBConvStage(4, 3, 2, 16, 32, 2))
 *         .lastChannels(256).build();
 * }</pre>
 */
public final class EfficientNet extends ConfiguredClassifier<EfficientNet.Config, EfficientNet.Builder> {

    /**
     * The architecture, immutable.
     *
     * @param stages the stage table as written, unscaled ({@link #scaledStages()} gives the rows
     *     the network is built from)
     * @param widthMultiplier the width multiplier applied to every row's channels
     * @param depthMultiplier the depth multiplier applied to every row's block count
     * @param dropout the dropout probability before the classifier
     * @param stochasticDepth the stochastic-depth probability of the last block; block {@code i}
     *     of {@code n} uses {@code stochasticDepth * i / n}
     * @param lastChannels the output channels of the last convolution; empty for 4 x the last
     *     stage's scaled output channels (EfficientNet), 1280 for EfficientNetV2
     * @param numClasses the number of classes
     * @param inChannels the input channels
     * @param normEps every batch norm's epsilon (1e-5; torchvision's B5-B7 and V2 use 1e-3)
     * @param normMomentum every batch norm's momentum, in PyTorch's convention (0.1; torchvision's
     *     B5-B7 use 0.01)
     */
    public record Config(
            List<Stage> stages,
            double widthMultiplier,
            double depthMultiplier,
            double dropout,
            double stochasticDepth,
            OptionalInt lastChannels,
            int numClasses,
            int inChannels,
            float normEps,
            float normMomentum) implements ClassifierConfig {

        /** Copies the table. */
        public Config {
            stages = List.copyOf(stages);
            Objects.requireNonNull(lastChannels, "lastChannels");
        }

        /**
         * Returns the rows the network is built from: the table with the multipliers applied.
         *
         * @return the scaled rows
         */
        public List<Stage> scaledStages() {
            return stages.stream().map(s -> s.scale(widthMultiplier, depthMultiplier)).toList();
        }

        /**
         * Returns the number of blocks over all stages, the {@code n} of the stochastic-depth rule.
         *
         * @return the number of blocks
         */
        public int totalBlocks() {
            return scaledStages().stream().mapToInt(Stage::layers).sum();
        }

        /**
         * Returns the output channels of the stem, the first row's scaled input channels.
         *
         * @return the stem's channels
         */
        public int stemChannels() {
            return scaledStages().get(0).inChannels();
        }

        /**
         * Returns the output channels of the last convolution, the width of the pooled features.
         *
         * @return the number of features the classifier sees
         */
        public int numFeatures() {
            List<Stage> scaled = scaledStages();
            return lastChannels.orElse(4 * scaled.get(scaled.size() - 1).outChannels());
        }
    }

    private EfficientNet(Config config) {
        super(config, Builder::new, "classifier", config.numFeatures());
        List<Stage> stages = config().scaledStages();
        Sequential features = new Sequential();
        features.add(ConvNormActivation.builder(config().stemChannels(), 3)
                .stride(2).norm(norm()).activation(Activation.SILU).build());
        int total = config().totalBlocks();
        int blockId = 0;
        for (Stage stage : stages) {
            Sequential blocks = new Sequential();
            for (int j = 0; j < stage.layers(); j++) {
                int in = j == 0 ? stage.inChannels() : stage.outChannels();
                int stride = j == 0 ? stage.stride() : 1;
                // torchvision: stochastic_depth_prob * float(stage_block_id) / total_stage_blocks
                float sd = (float) (config().stochasticDepth() * blockId / total);
                blocks.add(block(stage, in, stride, sd));
                blockId++;
            }
            features.add(blocks);
        }
        features.add(ConvNormActivation.builder(config().numFeatures(), 1)
                .norm(norm()).activation(Activation.SILU).build());
        add("features", features);
        addHead();
    }

    private Block block(Stage stage, int in, int stride, float sd) {
        int expanded = stage.expandedChannels(in);
        float eps = config().normEps();
        float momentum = config().normMomentum();
        if (stage instanceof MBConvStage) {
            // squeeze to a quarter of the block's input channels, SiLU then a sigmoid gate
            InvertedResidual.Squeeze se =
                    new InvertedResidual.Squeeze(Math.max(1, in / 4), Activation.SILU, Activation.SIGMOID);
            return new InvertedResidual(new InvertedResidual.Config(
                    in, expanded, stage.outChannels(), stage.kernel(), stride, 1, Activation.SILU, se,
                    eps, momentum, sd, InvertedResidual.Layout.BLOCK));
        }
        return new FusedMBConv(new FusedMBConv.Config(
                in, expanded, stage.outChannels(), stage.kernel(), stride, Activation.SILU, eps,
                momentum, sd));
    }

    private BatchNorm2d norm() {
        return new BatchNorm2d(config().normEps(), config().normMomentum());
    }

    @Override
    protected Block newHead(int numClasses) {
        Sequential classifier = Heads.dropoutLinear((float) config().dropout(), featureDim(), numClasses);
        // torchvision's EfficientNet: weight U(-1/sqrt(out_features), 1/sqrt(out_features)), bias 0
        Block linear = classifier.child("1");
        linear.setInitializer(Init.uniform((float) (1.0 / Math.sqrt(numClasses))), Parameter.Type.WEIGHT);
        linear.setInitializer(Init.ZEROS, Parameter.Type.BIAS);
        return classifier;
    }

    /**
     * Starts a builder with EfficientNet-B0's configuration and 1000 classes.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an {@link EfficientNet}; every setter validates its own field, {@link #build()} the
     * combination. Defaults: EfficientNet-B0 ({@link StageTables#EFFICIENTNET_V1}, width and depth
     * 1.0, dropout 0.2, stochastic depth 0.2, last convolution to 4 x the last stage's channels,
     * batch norm eps 1e-5 and momentum 0.1), 1000 classes, 3 input channels.
     */
    public static final class Builder extends ClassifierBuilder<Builder> {

        private List<Stage> stages = StageTables.EFFICIENTNET_V1;
        private double widthMultiplier = 1.0;
        private double depthMultiplier = 1.0;
        private double stochasticDepth = 0.2;
        private OptionalInt lastChannels = OptionalInt.empty();
        private float normEps = 1e-5f;
        private float normMomentum = 0.1f;

        Builder() {
            super(1000, 0.2);
        }

        Builder(Config c) {
            this();
            stages = c.stages();
            widthMultiplier = c.widthMultiplier();
            depthMultiplier = c.depthMultiplier();
            stochasticDepth = c.stochasticDepth();
            lastChannels = c.lastChannels();
            shared(c);
            normEps = c.normEps();
            normMomentum = c.normMomentum();
        }

        /**
         * Sets the stage table, unscaled (default {@link StageTables#EFFICIENTNET_V1}). Each row's
         * input channels must equal the previous row's output channels (checked by {@link
         * #build()}, after scaling); the first row's input channels are the stem's output.
         *
         * @param stages at least one row
         * @return this
         * @throws IllegalArgumentException if there is no row or a row is null
         */
        public Builder stages(List<? extends Stage> stages) {
            if (stages == null || stages.isEmpty()) {
                throw new IllegalArgumentException(
                        "stages must have at least 1 row, got " + (stages == null ? "null" : "[]"));
            }
            for (int i = 0; i < stages.size(); i++) {
                if (stages.get(i) == null) {
                    throw new IllegalArgumentException("stages[" + i + "] must not be null");
                }
            }
            this.stages = List.copyOf(stages);
            return this;
        }

        /**
         * Sets the stage table, unscaled.
         *
         * @param stages at least one row
         * @return this
         * @throws IllegalArgumentException if there is no row or a row is null
         * @see #stages(List)
         */
        public Builder stages(Stage... stages) {
            return stages(stages == null ? null : java.util.Arrays.asList(stages));
        }

        /**
         * Sets the width, depth and dropout of a compound scaling (the resolution is the input
         * size the result is meant for, not part of the architecture).
         *
         * @param scaling the coefficients
         * @return this
         */
        public Builder scaling(Scaling scaling) {
            Objects.requireNonNull(scaling, "scaling");
            widthMultiplier = scaling.width();
            depthMultiplier = scaling.depth();
            dropout(scaling.dropout());
            return this;
        }

        /**
         * Sets the width multiplier: every row's channels become {@code makeDivisible(channels *
         * widthMultiplier, 8)} (default 1.0).
         *
         * @param widthMultiplier {@code > 0}
         * @return this
         * @throws IllegalArgumentException if {@code widthMultiplier} is not positive and finite
         */
        public Builder widthMultiplier(double widthMultiplier) {
            this.widthMultiplier = Stages.checkMultiplier("widthMultiplier", widthMultiplier);
            return this;
        }

        /**
         * Sets the depth multiplier: every row's block count becomes {@code ceil(layers *
         * depthMultiplier)} (default 1.0).
         *
         * @param depthMultiplier {@code > 0}
         * @return this
         * @throws IllegalArgumentException if {@code depthMultiplier} is not positive and finite
         */
        public Builder depthMultiplier(double depthMultiplier) {
            this.depthMultiplier = Stages.checkMultiplier("depthMultiplier", depthMultiplier);
            return this;
        }

        /**
         * Sets the stochastic-depth probability: block {@code i} of {@code n} drops its residual
         * branch, per sample, with probability {@code stochasticDepth * i / n} in training
         * (default 0.2; 0 disables it).
         *
         * @param stochasticDepth in [0, 1]
         * @return this
         * @throws IllegalArgumentException if {@code stochasticDepth} is outside [0, 1]
         */
        public Builder stochasticDepth(double stochasticDepth) {
            if (!(stochasticDepth >= 0 && stochasticDepth <= 1)) {
                throw new IllegalArgumentException(
                        "stochasticDepth must be in [0, 1], got " + stochasticDepth);
            }
            this.stochasticDepth = stochasticDepth;
            return this;
        }

        /**
         * Sets the output channels of the last convolution (EfficientNetV2: 1280), not scaled by
         * the width multiplier.
         *
         * @param lastChannels {@code >= 1}
         * @return this
         * @throws IllegalArgumentException if {@code lastChannels < 1}
         */
        public Builder lastChannels(int lastChannels) {
            this.lastChannels = OptionalInt.of(Checks.atLeast("lastChannels", lastChannels, 1));
            return this;
        }

        /**
         * Makes the last convolution 4 x the last stage's scaled output channels (the default,
         * EfficientNet-B0 to B7).
         *
         * @return this
         */
        public Builder defaultLastChannels() {
            this.lastChannels = OptionalInt.empty();
            return this;
        }

        /**
         * Sets every batch norm's epsilon (default 1e-5, PyTorch's; torchvision uses 1e-3 for
         * B5-B7 and V2, as the TensorFlow originals).
         *
         * @param normEps {@code > 0}
         * @return this
         * @throws IllegalArgumentException if {@code normEps} is not positive and finite
         */
        public Builder normEps(float normEps) {
            if (!(normEps > 0) || Float.isInfinite(normEps)) {
                throw new IllegalArgumentException("normEps must be > 0 and finite, got " + normEps);
            }
            this.normEps = normEps;
            return this;
        }

        /**
         * Sets every batch norm's momentum in PyTorch's convention, the weight of the new batch
         * statistic (default 0.1; torchvision uses 0.01 for B5-B7).
         *
         * @param normMomentum in (0, 1]
         * @return this
         * @throws IllegalArgumentException if {@code normMomentum} is outside (0, 1]
         */
        public Builder normMomentum(float normMomentum) {
            if (!(normMomentum > 0 && normMomentum <= 1)) {
                throw new IllegalArgumentException("normMomentum must be in (0, 1], got " + normMomentum);
            }
            this.normMomentum = normMomentum;
            return this;
        }

        /**
         * Builds the model.
         *
         * @return a new, uninitialised model
         * @throws IllegalArgumentException if, after scaling, a row's input channels differ from
         *     the previous row's output channels, or the scaled network is too large
         */
        public EfficientNet build() {
            Config config = new Config(stages, widthMultiplier, depthMultiplier, dropout(), stochasticDepth,
                    lastChannels, numClasses(), inChannels(), normEps, normMomentum);
            List<Stage> scaled = config.scaledStages();
            long blocks = 0;
            for (int i = 0; i < scaled.size(); i++) {
                blocks += scaled.get(i).layers();
                if (i > 0 && scaled.get(i).inChannels() != scaled.get(i - 1).outChannels()) {
                    throw new IllegalArgumentException("stages[" + i + "].inChannels ("
                            + scaled.get(i).inChannels() + ") must equal stages[" + (i - 1)
                            + "].outChannels (" + scaled.get(i - 1).outChannels() + ")"
                            + (widthMultiplier == 1.0 ? "" : " after scaling by widthMultiplier " + widthMultiplier));
                }
            }
            if (blocks > Stages.MAX) {
                throw new IllegalArgumentException("the stages have " + blocks + " blocks, more than " + Stages.MAX);
            }
            return new EfficientNet(config);
        }
    }
}
