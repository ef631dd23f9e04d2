package org.visionzoo.resnet;

import ai.djl.nn.Block;

import org.visionzoo.core.Checks;
import org.visionzoo.core.model.ClassifierBuilder;
import org.visionzoo.core.model.ClassifierConfig;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.Heads;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.MaxPool2d;
import org.visionzoo.core.nn.Sequential;

import java.util.Arrays;
import java.util.Objects;
import java.util.List;

/**
 * ResNet, ResNeXt and Wide ResNet for ImageNet-style inputs, exactly as torchvision builds them.
 *
 * <p>He et al., 2016, "Deep Residual Learning for Image Recognition" (CVPR); Xie et al., 2017,
 * "Aggregated Residual Transformations for Deep Neural Networks" (ResNeXt, CVPR); Zagoruyko and
 * Komodakis, 2016, "Wide Residual Networks" (BMVC). As in torchvision (ResNet v1.5), a bottleneck
 * puts its stride on the 3x3 convolution.
 *
 * <p>Input {@code (N, inChannels, H, W)}, any H and W from 32 up (1 with {@link
 * Builder#smallInputStem()}); output logits {@code (N, numClasses)}. Modules carry torchvision's
 * names ({@code conv1, bn1, layer1.0.conv1, ..., fc}), so its weights import as they are.
 *
 * <pre>{@code
 * ResNet resnet50 = ResNetVariant.RESNET50.builder().build();
 * ResNet resnext = ResNet.builder().layers(3, 4, 6, 3).block(ResNet.BlockType.BOTTLENECK)
 *         .groups(32).widthPerGroup(4).numClasses(10).build();
 * ResNet cifar18 = ResNet.builder().layers(2, 2, 2, 2).smallInputStem().numClasses(10).build();
 * }</pre>
 */
public final class ResNet extends AbstractResNet<ResNet.Config, ResNet.Builder> {

    /** The residual block type. */
    public enum BlockType {
        /** Two 3x3 convolutions (ResNet-18/34); expansion 1. */
        BASIC(1),
        /** 1x1, 3x3, 1x1 convolutions (ResNet-50 and deeper, ResNeXt, Wide ResNet); expansion 4. */
        BOTTLENECK(4);

        private final int expansion;

        BlockType(int expansion) {
            this.expansion = expansion;
        }

        /**
         * Returns the ratio of a block's output channels to its {@code planes}.
         *
         * @return the expansion
         */
        public int expansion() {
            return expansion;
        }
    }

    /**
     * The architecture, immutable.
     *
     * @param layers blocks per stage (four stages)
     * @param block the block type
     * @param groups convolution groups of the 3x3 convolutions (ResNeXt cardinality)
     * @param widthPerGroup channels per group at the first stage (64 for ResNet, 128 for Wide
     *     ResNet-2)
     * @param numClasses number of classes
     * @param inChannels input channels
     * @param dropout dropout before the classifier, in training only (0 in torchvision)
     * @param smallInputStem a 3x3 stride-1 stem without max-pool, for small (e.g. 32x32) inputs
     * @param zeroInitResidual zero the last batch norm's scale in each residual branch
     * @param replaceStrideWithDilation per stage 2..4, dilate instead of striding
     */
    public record Config(
            List<Integer> layers,
            BlockType block,
            int groups,
            int widthPerGroup,
            int numClasses,
            int inChannels,
            double dropout,
            boolean smallInputStem,
            boolean zeroInitResidual,
            List<Boolean> replaceStrideWithDilation) implements ClassifierConfig {

        /** Copies the lists. */
        public Config {
            layers = List.copyOf(layers);
            replaceStrideWithDilation = List.copyOf(replaceStrideWithDilation);
        }
    }

    private ResNet(Config config) {
        super(config, Builder::new, 512 * config.block().expansion());
        if (config().smallInputStem()) {
            add("conv1", Layers.conv(64, 3, 1, 1));
            add("bn1", new BatchNorm2d());
        } else {
            add("conv1", Layers.conv(64, 7, 2, 3, 1, 1, false));
            add("bn1", new BatchNorm2d());
            add("maxpool", new MaxPool2d(3, 2, 1));
        }
        List<Integer> layers = config().layers();
        List<Boolean> dilate = config().replaceStrideWithDilation();
        int inplanes = 64;
        int dilation = 1;
        for (int stage = 0; stage < 4; stage++) {
            int planes = 64 << stage;
            int stride = stage == 0 ? 1 : 2;
            int previousDilation = dilation;
            if (stage > 0 && dilate.get(stage - 1)) {
                dilation *= stride;
                stride = 1;
            }
            Sequential layer = new Sequential();
            int outplanes = planes * config().block().expansion();
            Block downsample = null;
            if (stride != 1 || inplanes != outplanes) {
                downsample =
                        new Sequential()
                                .add(Layers.conv(outplanes, 1, stride, 0, 1, 1, false))
                                .add(new BatchNorm2d());
            }
            layer.add(newBlock(planes, stride, downsample, previousDilation));
            for (int i = 1; i < layers.get(stage); i++) {
                layer.add(newBlock(planes, 1, null, dilation));
            }
            add("layer" + (stage + 1), layer);
            inplanes = outplanes;
        }
        addHead();
    }

    private Block newBlock(int planes, int stride, Block downsample, int dilation) {
        if (config().block() == BlockType.BASIC) {
            return new BasicBlock(planes, stride, downsample, config().zeroInitResidual());
        }
        return new Bottleneck(
                planes,
                stride,
                downsample,
                config().groups(),
                config().widthPerGroup(),
                dilation,
                config().zeroInitResidual());
    }

    @Override
    protected Block newHead(int numClasses) {
        return Heads.linear(featureDim(), numClasses);
    }

    /**
     * Starts a builder with ResNet-50's configuration and 1000 classes.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link ResNet}; every setter validates its own field, {@link #build()} the
     * combinations. Defaults: ResNet-50 ({@code layers(3, 4, 6, 3)}, bottleneck, groups 1, width
     * 64), 1000 classes, 3 input channels, ImageNet stem, no zero-init, no dilation.
     */
    public static final class Builder extends ClassifierBuilder<Builder> {

        private List<Integer> layers = List.of(3, 4, 6, 3);
        private BlockType block = BlockType.BOTTLENECK;
        private int groups = 1;
        private int widthPerGroup = 64;
        private boolean smallInputStem;
        private boolean zeroInitResidual;
        private List<Boolean> replaceStrideWithDilation = List.of(false, false, false);

        Builder() {
            super(1000, 0);
        }

        Builder(Config c) {
            this();
            layers = c.layers();
            block = c.block();
            groups = c.groups();
            widthPerGroup = c.widthPerGroup();
            shared(c);
            smallInputStem = c.smallInputStem();
            zeroInitResidual = c.zeroInitResidual();
            replaceStrideWithDilation = c.replaceStrideWithDilation();
        }

        /**
         * Sets the number of blocks in each of the four stages.
         *
         * @param layers four counts, each {@code >= 1}
         * @return this
         * @throws IllegalArgumentException if there are not four counts or one is {@code < 1}
         */
        public Builder layers(int... layers) {
            if (layers == null || layers.length != 4) {
                throw new IllegalArgumentException(
                        "layers must have 4 entries (one per stage), got "
                                + (layers == null ? "null" : Arrays.toString(layers)));
            }
            for (int n : layers) {
                if (n < 1) {
                    throw new IllegalArgumentException(
                            "layers entries must be >= 1, got " + Arrays.toString(layers));
                }
            }
            this.layers = Arrays.stream(layers).boxed().toList();
            return this;
        }

        /**
         * Sets the block type (default {@link BlockType#BOTTLENECK}).
         *
         * @param block the block type
         * @return this
         */
        public Builder block(BlockType block) {
            this.block = Objects.requireNonNull(block, "block must not be null");
            return this;
        }

        /**
         * Sets the groups of the 3x3 convolutions, ResNeXt's cardinality (default 1).
         *
         * @param groups {@code >= 1}
         * @return this
         * @throws IllegalArgumentException if {@code groups < 1}
         */
        public Builder groups(int groups) {
            this.groups = Checks.atLeast("groups", groups, 1);
            return this;
        }

        /**
         * Sets the channels per group at the first stage (default 64; 128 makes Wide ResNet-2).
         *
         * @param widthPerGroup {@code >= 1}
         * @return this
         * @throws IllegalArgumentException if {@code widthPerGroup < 1}
         */
        public Builder widthPerGroup(int widthPerGroup) {
            this.widthPerGroup = Checks.atLeast("widthPerGroup", widthPerGroup, 1);
            return this;
        }

        /**
         * Uses a 3x3 stride-1 stem without max-pool, for small inputs such as CIFAR's 32x32.
         *
         * @return this
         */
        public Builder smallInputStem() {
            return smallInputStem(true);
        }

        /**
         * Chooses the small-input stem (true) or the ImageNet stem (false, the default).
         *
         * @param small whether to use the small-input stem
         * @return this
         */
        public Builder smallInputStem(boolean small) {
            this.smallInputStem = small;
            return this;
        }

        /**
         * Zeroes the scale of the last batch norm in each residual branch, so that each block
         * starts as the identity (Goyal et al., 2017); default false.
         *
         * @param zeroInitResidual whether to zero-init
         * @return this
         */
        public Builder zeroInitResidual(boolean zeroInitResidual) {
            this.zeroInitResidual = zeroInitResidual;
            return this;
        }

        /**
         * Replaces the stride of stages 2, 3, 4 by dilation (for dense prediction); bottleneck
         * blocks only.
         *
         * @param stage2 dilate stage 2
         * @param stage3 dilate stage 3
         * @param stage4 dilate stage 4
         * @return this
         */
        public Builder replaceStrideWithDilation(boolean stage2, boolean stage3, boolean stage4) {
            this.replaceStrideWithDilation = List.of(stage2, stage3, stage4);
            return this;
        }

        /**
         * Builds the model.
         *
         * @return a new, uninitialised model
         * @throws IllegalArgumentException for an invalid combination: basic blocks with {@code
         *     groups != 1}, {@code widthPerGroup != 64} or dilation, as torchvision refuses them
         */
        public ResNet build() {
            if (block == BlockType.BASIC) {
                if (groups != 1 || widthPerGroup != 64) {
                    throw new IllegalArgumentException(
                            "block BASIC supports only groups=1 and widthPerGroup=64, got groups="
                                    + groups
                                    + ", widthPerGroup="
                                    + widthPerGroup);
                }
                for (boolean d : replaceStrideWithDilation) {
                    if (d) {
                        throw new IllegalArgumentException(
                                "block BASIC does not support replaceStrideWithDilation, got "
                                        + replaceStrideWithDilation);
                    }
                }
            }
            if ((long) groups * widthPerGroup > 1 << 16) {
                throw new IllegalArgumentException(
                        "groups * widthPerGroup is too large: " + groups + " * " + widthPerGroup);
            }
            return new ResNet(
                    new Config(
                            layers,
                            block,
                            groups,
                            widthPerGroup,
                            numClasses(),
                            inChannels(),
                            dropout(),
                            smallInputStem,
                            zeroInitResidual,
                            replaceStrideWithDilation));
        }
    }
}
