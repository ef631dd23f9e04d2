package org.visionzoo.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.ActivationBlock;
import org.visionzoo.core.nn.ConvNormActivation;
import org.visionzoo.core.nn.Heads;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.Ops;
import org.visionzoo.core.nn.Sequential;

/** A small classifier for the loop's tests: two convs, pooling, a (dropout) linear head. */
final class SmallNet extends ImageClassifier {

    private final float dropout;

    /**
     * Creates the net.
     *
     * @param inChannels input channels
     * @param numClasses classes
     * @param batchNorm with batch norm after each conv (else a plain conv with bias)
     * @param dropout dropout before the head (0 for none)
     */
    SmallNet(int inChannels, int numClasses, boolean batchNorm, float dropout) {
        super("classifier", inChannels, 16, numClasses);
        this.dropout = dropout;
        Sequential features = new Sequential();
        if (batchNorm) {
            features.add(ConvNormActivation.builder(8, 3).stride(2).build())
                    .add(ConvNormActivation.builder(16, 3).stride(2).build());
        } else {
            features.add(Layers.conv(8, 3, 2, 1, 1, 1, true)).add(ActivationBlock.RELU)
                    .add(Layers.conv(16, 3, 2, 1, 1, 1, true)).add(ActivationBlock.RELU);
        }
        add("features", features);
        addHead();
    }

    static SmallNet create(NDManager manager, int inChannels, int numClasses, int size, boolean batchNorm,
            float dropout) {
        SmallNet net = new SmallNet(inChannels, numClasses, batchNorm, dropout);
        net.initialize(manager, size);
        return net;
    }

    @Override
    protected Block newHead(int numClasses) {
        return dropout > 0 ? Heads.dropoutLinear(dropout, featureDim(), numClasses)
                : Heads.linear(featureDim(), numClasses);
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray out = apply(child("features"), ps, x, training);
        return consume(out, Ops.globalAvgPool(out));
    }
}
