package org.visionzoo.resnet;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import org.visionzoo.core.model.ClassifierBuilder;
import org.visionzoo.core.model.ClassifierConfig;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.Init;
import org.visionzoo.core.nn.Heads;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.Sequential;

/**
 * The CIFAR ResNets of He et al., 2016, "Deep Residual Learning for Image Recognition", section
 * 4.2: a 3x3 convolution with 16 filters, three stages of {@code n} basic blocks with 16, 32 and 64
 * filters (the last two halving the resolution), global average pooling and a linear classifier;
 * depth {@code 6n + 2}. Shortcuts are parameter-free ("option A").
 *
 * <p>Input {@code (N, inChannels, H, W)}, 32x32 in the paper; output {@code (N, numClasses)}.
 * Modules: {@code conv1, bn1, layer1..layer3 (blocks conv1, bn1, conv2, bn2), fc}.
 *
 * <pre>{@code
 * CifarResNet resnet56 = CifarResNet.builder().depth(56).numClasses(10).build();
 * }</pre>
 */
public final class CifarResNet extends AbstractResNet<CifarResNet.Config, CifarResNet.Builder> {

    /**
     * The architecture, immutable.
     *
     * @param depth the depth, {@code 6n + 2}
     * @param numClasses number of classes
     * @param inChannels input channels
     * @param dropout dropout before the classifier, in training only (0 in the paper)
     */
    public record Config(int depth, int numClasses, int inChannels, double dropout)
            implements ClassifierConfig {}

    private CifarResNet(Config config) {
        super(config, Builder::new, 64);
        int n = (config.depth() - 2) / 6;
        add("conv1", CifarBasicBlock.kaimingFanIn(Layers.conv(16, 3, 1, 1)));
        add("bn1", new BatchNorm2d());
        int inPlanes = 16;
        for (int stage = 0; stage < 3; stage++) {
            int planes = 16 << stage;
            Sequential layer = new Sequential();
            for (int i = 0; i < n; i++) {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                layer.add(new CifarBasicBlock(inPlanes, planes, stride));
                inPlanes = planes;
            }
            add("layer" + (stage + 1), layer);
        }
        addHead();
    }

    @Override
    protected Block newHead(int numClasses) {
        Block fc = Heads.linear(featureDim(), numClasses);
        fc.setInitializer(Init.kaimingNormalFanIn(), Parameter.Type.WEIGHT);
        return fc;
    }

    /**
     * Returns the depth ({@code 6n + 2}).
     *
     * @return the depth
     */
    public int depth() {
        return config().depth();
    }

    /**
     * Starts a builder (defaults: depth 20, 10 classes, 3 input channels).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link CifarResNet}; each setter validates its field. */
    public static final class Builder extends ClassifierBuilder<Builder> {

        private int depth = 20;

        Builder() {
            super(10, 0);
        }

        Builder(Config c) {
            this();
            shared(c);
            depth = c.depth();
        }

        /**
         * Sets the depth, {@code 6n + 2} for {@code n >= 1} (20, 32, 44, 56, 110, ...).
         *
         * @param depth the depth
         * @return this
         * @throws IllegalArgumentException if the depth is not {@code 6n + 2}
         */
        public Builder depth(int depth) {
            if (depth < 8 || (depth - 2) % 6 != 0) {
                throw new IllegalArgumentException(
                        "depth must be 6n + 2 with n >= 1 (e.g. 20, 32, 44, 56, 110), got " + depth);
            }
            this.depth = depth;
            return this;
        }

        /**
         * Builds the model.
         *
         * @return a new, uninitialised model
         */
        public CifarResNet build() {
            return new CifarResNet(new Config(depth, numClasses(), inChannels(), dropout()));
        }
    }
}
