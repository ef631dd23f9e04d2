package org.visionzoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.ConvNormActivation;
import org.visionzoo.core.nn.Heads;
import org.visionzoo.core.nn.Ops;
import org.visionzoo.core.nn.Sequential;
import org.visionzoo.core.nn.SqueezeExcitation;

/** A small classifier built from core blocks, for core's tests (torchvision-style names). */
public class TinyNet extends ImageClassifier {

    /**
     * Creates the net.
     *
     * @param numClasses number of classes
     */
    public TinyNet(int numClasses) {
        super("classifier", 3, 16, numClasses);
        add(
                "features",
                new Sequential()
                        .add(ConvNormActivation.builder(8, 3).stride(2).build())
                        .add(ConvNormActivation.builder(8, 3)
                                .groups(8).activation(Activation.HARD_SWISH).build())
                        .add(new SqueezeExcitation(8, 4, Activation.RELU, Activation.HARD_SIGMOID))
                        .add(ConvNormActivation.builder(16, 1).activation(Activation.SILU).build()));
        addHead();
    }

    @Override
    protected Block newHead(int numClasses) {
        return Heads.linear(featureDim(), numClasses);
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray out = apply(child("features"), ps, x, training);
        return consume(out, Ops.globalAvgPool(out));
    }
}
