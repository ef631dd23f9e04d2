package org.visionzoo.densenet;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;

import org.visionzoo.core.Checks;
import org.visionzoo.core.model.ClassifierBuilder;
import org.visionzoo.core.model.ClassifierConfig;
import org.visionzoo.core.model.ConfiguredClassifier;
import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.ActivationBlock;
import org.visionzoo.core.nn.AvgPool2d;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.Heads;
import org.visionzoo.core.nn.Init;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.MaxPool2d;
import org.visionzoo.core.nn.Sequential;

import java.util.Arrays;
import java.util.List;

/**
 * DenseNet, exactly as torchvision builds it, and the CIFAR DenseNet-BC of the paper.
 *
 * <p>Huang, Liu, van der Maaten and Weinberger, 2017, "Densely Connected Convolutional Networks"
 * (CVPR), arXiv:1608.06993. Every layer of a dense block receives the feature maps of all layers
 * before it, concatenated, and adds {@code growthRate} new ones; bottleneck layers (1x1 convolution
 * to {@code bnSize * growthRate} channels, then 3x3) and compressing transitions ({@code
 * compression} of the channels, then 2x2 average pooling) make the BC variant.
 *
 * <p>Modules carry torchvision's names, so its weights import as they are: {@code
 * features.conv0, features.norm0, features.relu0, features.pool0, features.denseblock1.denselayer1
 * .norm1 / relu1 / conv1 / norm2 / relu2 / conv2, features.transition1.norm / relu / conv / pool,
 * ..., features.norm5, classifier}. The forward pass is torchvision's: {@code features}, ReLU,
 * global average pooling, {@code classifier}.
 *
 * <p>The small-input stem ({@link Builder#smallInputStem()}) is the paper's CIFAR stem: a single
 * 3x3 stride-1 {@code features.conv0}, with no {@code norm0}, {@code relu0} or {@code pool0} (each
 * dense layer starts with its own batch norm and ReLU).
 *
 * <p>Input {@code (N, inChannels, H, W)}, H and W from 32 up with the ImageNet stem (each of the
 * stem and the transitions halves the size), from {@code 2^(blocks - 1)} up with the small-input
 * stem; output logits {@code (N, numClasses)}.
 *
 * <pre>{@code
 * DenseNet densenet121 = DenseNetVariant.DENSENET121.builder().build();
 * DenseNet custom = DenseNet.builder().growthRate(32).blockConfig(6, 12, 24, 16).numInitFeatures(64)
 *         .bnSize(4).compression(0.5).dropRate(0).numClasses(10).build();
 * DenseNet bc = DenseNet.bcBuilder(100, 12).build();   // CIFAR-10, 32x32
 * }</pre>
 */
public final class DenseNet extends ConfiguredClassifier<DenseNet.Config, DenseNet.Builder> {

    /**
     * The architecture, immutable.
     *
     * @param growthRate new channels per dense layer ({@code k})
     * @param blockConfig dense layers per block
     * @param numInitFeatures output channels of the stem convolution
     * @param bnSize bottleneck width factor: the 1x1 convolution of a dense layer has {@code bnSize
     *     * growthRate} output channels
     * @param compression fraction of the channels a transition keeps (rounded down)
     * @param dropRate dropout probability after each dense layer, in training only
     *     (torchvision's {@code drop_rate})
     * @param numClasses number of classes
     * @param inChannels input channels
     * @param dropout dropout before the classifier, in training only (0 in torchvision)
     * @param smallInputStem a single 3x3 stride-1 stem convolution, no max pool (CIFAR)
     */
    public record Config(
            int growthRate,
            List<Integer> blockConfig,
            int numInitFeatures,
            int bnSize,
            double compression,
            double dropRate,
            int numClasses,
            int inChannels,
            double dropout,
            boolean smallInputStem) implements ClassifierConfig {

        /** Copies the list. */
        public Config {
            blockConfig = List.copyOf(blockConfig);
        }

        /**
         * Returns the channels of the final feature map, the width of the pooled features.
         *
         * @return the number of features the classifier sees
         */
        public int numFeatures() {
            int features = numInitFeatures;
            for (int i = 0; i < blockConfig.size(); i++) {
                features += blockConfig.get(i) * growthRate;
                if (i != blockConfig.size() - 1) {
                    features = compress(features, compression);
                }
            }
            return features;
        }
    }

    private DenseNet(Config config) {
        super(config, Builder::new, "classifier", config.numFeatures());
        Sequential features = new Sequential();
        if (config().smallInputStem()) {
            features.addNamed("conv0", conv(config().numInitFeatures(), 3, 1, 1));
        } else {
            features.addNamed("conv0", conv(config().numInitFeatures(), 7, 2, 3))
                    .addNamed("norm0", new BatchNorm2d())
                    .addNamed("relu0", new ActivationBlock(Activation.RELU))
                    .addNamed("pool0", new MaxPool2d(3, 2, 1));
        }
        List<Integer> blocks = config().blockConfig();
        int numFeatures = config().numInitFeatures();
        float dropRate = (float) config().dropRate();
        for (int i = 0; i < blocks.size(); i++) {
            features.addNamed(
                    "denseblock" + (i + 1),
                    new DenseBlock(blocks.get(i), config().growthRate(), config().bnSize(), dropRate));
            numFeatures += blocks.get(i) * config().growthRate();
            if (i != blocks.size() - 1) {
                numFeatures = compress(numFeatures, config().compression());
                features.addNamed("transition" + (i + 1), transition(numFeatures));
            }
        }
        features.addNamed("norm5", new BatchNorm2d());
        add("features", features);
        addHead();
    }

    /** torchvision's {@code _Transition}: norm, relu, 1x1 conv, 2x2 average pool. */
    private static Sequential transition(int outChannels) {
        return new Sequential()
                .addNamed("norm", new BatchNorm2d())
                .addNamed("relu", new ActivationBlock(Activation.RELU))
                .addNamed("conv", conv(outChannels, 1, 1, 0))
                .addNamed("pool", new AvgPool2d(2, 2));
    }

    /** A bias-free convolution with torchvision's DenseNet initialisation, {@code kaiming_normal_}. */
    static Conv2d conv(int outChannels, int kernel, int stride, int padding) {
        Conv2d conv = Layers.conv(outChannels, kernel, stride, padding, 1, 1, false);
        conv.setInitializer(Init.kaimingNormalFanIn(), Parameter.Type.WEIGHT);
        return conv;
    }

    static int compress(int channels, double compression) {
        return (int) Math.floor(channels * compression);
    }

    @Override
    protected Block newHead(int numClasses) {
        // torchvision's DenseNet zeroes the classifier's bias (the weight keeps nn.Linear's default)
        Block classifier = Heads.linear(featureDim(), numClasses);
        classifier.setInitializer(Init.ZEROS, Parameter.Type.BIAS);
        return classifier;
    }

    @Override
    protected double featureDropout() {
        return config().dropout();
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray out = apply(child("features"), ps, x, training);
        return globalPool(consume(out, Activation.RELU.apply(out)));
    }

    /**
     * Starts a builder with DenseNet-121's configuration and 1000 classes.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder for the CIFAR DenseNet-BC of depth {@code L} and growth rate {@code k}
     * (Huang et al., 2017, table 2): three dense blocks of {@code (L - 4) / 6} bottleneck layers,
     * compression 0.5, a 3x3 stem convolution with {@code 2k} channels (the small-input stem), 10
     * classes. Further setters may change any field.
     *
     * @param depth {@code L = 6n + 4}, {@code n >= 1} (100, 190, 250, ...)
     * @param growthRate {@code k >= 1}
     * @return a builder
     * @throws IllegalArgumentException if the depth is not {@code 6n + 4} or {@code k < 1}
     */
    public static Builder bcBuilder(int depth, int growthRate) {
        if (depth < 10 || (depth - 4) % 6 != 0) {
            throw new IllegalArgumentException(
                    "depth must be 6n + 4 with n >= 1 (e.g. 100, 190, 250), got " + depth);
        }
        int n = (depth - 4) / 6;
        Builder b = builder().growthRate(growthRate);
        return b.blockConfig(n, n, n)
                .numInitFeatures(2 * growthRate)
                .bnSize(4)
                .compression(0.5)
                .numClasses(10)
                .smallInputStem();
    }

    /**
     * Builds a {@link DenseNet}; every setter validates its own field, {@link #build()} the
     * combination. Defaults: DenseNet-121 (growth rate 32, blocks (6, 12, 24, 16), 64 stem
     * channels, bottleneck factor 4, compression 0.5, no dropout), 1000 classes, 3 input channels,
     * ImageNet stem.
     */
    public static final class Builder extends ClassifierBuilder<Builder> {

        private int growthRate = 32;
        private List<Integer> blockConfig = List.of(6, 12, 24, 16);
        private int numInitFeatures = 64;
        private int bnSize = 4;
        private double compression = 0.5;
        private double dropRate;
        private boolean smallInputStem;

        Builder() {
            super(1000, 0);
        }

        Builder(Config c) {
            this();
            growthRate = c.growthRate();
            blockConfig = c.blockConfig();
            numInitFeatures = c.numInitFeatures();
            bnSize = c.bnSize();
            compression = c.compression();
            dropRate = c.dropRate();
            shared(c);
            smallInputStem = c.smallInputStem();
        }

        /**
         * Sets the growth rate {@code k}, the channels each dense layer adds (default 32).
         *
         * @param growthRate {@code >= 1}
         * @return this
         * @throws IllegalArgumentException if {@code growthRate < 1}
         */
        public Builder growthRate(int growthRate) {
            this.growthRate = Checks.atLeast("growthRate", growthRate, 1);
            return this;
        }

        /**
         * Sets the number of dense layers in each block; a transition follows every block but the
         * last (default {@code 6, 12, 24, 16}).
         *
         * @param blockConfig at least one count, each {@code >= 1}
         * @return this
         * @throws IllegalArgumentException if there is no count or one is {@code < 1}
         */
        public Builder blockConfig(int... blockConfig) {
            if (blockConfig == null || blockConfig.length == 0) {
                throw new IllegalArgumentException(
                        "blockConfig must have at least 1 entry, got "
                                + (blockConfig == null ? "null" : "[]"));
            }
            for (int n : blockConfig) {
                if (n < 1) {
                    throw new IllegalArgumentException(
                            "blockConfig entries must be >= 1, got " + Arrays.toString(blockConfig));
                }
            }
            this.blockConfig = Arrays.stream(blockConfig).boxed().toList();
            return this;
        }

        /**
         * Sets the output channels of the stem convolution (default 64).
         *
         * @param numInitFeatures {@code >= 1}
         * @return this
         * @throws IllegalArgumentException if {@code numInitFeatures < 1}
         */
        public Builder numInitFeatures(int numInitFeatures) {
            this.numInitFeatures = Checks.atLeast("numInitFeatures", numInitFeatures, 1);
            return this;
        }

        /**
         * Sets the bottleneck factor: a dense layer's 1x1 convolution has {@code bnSize *
         * growthRate} output channels (default 4).
         *
         * @param bnSize {@code >= 1}
         * @return this
         * @throws IllegalArgumentException if {@code bnSize < 1}
         */
        public Builder bnSize(int bnSize) {
            this.bnSize = Checks.atLeast("bnSize", bnSize, 1);
            return this;
        }

        /**
         * Sets the fraction of channels a transition keeps, {@code floor(channels *
         * compression)} (default 0.5, the paper's theta; 1 for no compression).
         *
         * @param compression in (0, 1]
         * @return this
         * @throws IllegalArgumentException if {@code compression} is outside (0, 1]
         */
        public Builder compression(double compression) {
            if (!(compression > 0 && compression <= 1)) {
                throw new IllegalArgumentException(
                        "compression must be in (0, 1], got " + compression);
            }
            this.compression = compression;
            return this;
        }

        /**
         * Sets the dropout probability applied to each dense layer's new features, in training
         * only (default 0).
         *
         * @param dropRate in [0, 1)
         * @return this
         * @throws IllegalArgumentException if {@code dropRate} is outside [0, 1)
         */
        public Builder dropRate(double dropRate) {
            this.dropRate = Checks.dropRate("dropRate", dropRate);
            return this;
        }

        /**
         * Uses the paper's CIFAR stem: one 3x3 stride-1 convolution, no batch norm, ReLU or max
         * pool, for small inputs such as 32x32.
         *
         * @return this
         */
        public Builder smallInputStem() {
            return smallInputStem(true);
        }

        /**
         * Chooses the small-input stem (true) or the ImageNet stem (false, the default: 7x7 stride-2
         * convolution, batch norm, ReLU, 3x3 stride-2 max pool).
         *
         * @param small whether to use the small-input stem
         * @return this
         */
        public Builder smallInputStem(boolean small) {
            this.smallInputStem = small;
            return this;
        }

        /**
         * Builds the model.
         *
         * @return a new, uninitialised model
         * @throws IllegalArgumentException if the compression leaves a transition without
         *     channels
         */
        public DenseNet build() {
            long features = numInitFeatures;
            for (int i = 0; i < blockConfig.size(); i++) {
                features += (long) blockConfig.get(i) * growthRate;
                if (features > Integer.MAX_VALUE / 2) {
                    throw new IllegalArgumentException(
                            "blockConfig * growthRate is too large: " + features + " channels");
                }
                if (i != blockConfig.size() - 1) {
                    features = compress((int) features, compression);
                    if (features < 1) {
                        throw new IllegalArgumentException(
                                "compression " + compression + " leaves transition" + (i + 1)
                                        + " with no channels");
                    }
                }
            }
            return new DenseNet(
                    new Config(
                            growthRate,
                            blockConfig,
                            numInitFeatures,
                            bnSize,
                            compression,
                            dropRate,
                            numClasses(),
                            inChannels(),
                            dropout(),
                            smallInputStem));
        }
    }
}
