package org.visionzoo.core.nn;

import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;

import org.visionzoo.core.Checks;

/**
 * Classifier heads, mapping pooled features {@code (N, features)} to logits {@code (N, classes)}
 * with torchvision's module names.
 */
public final class Heads {

    private Heads() {}

    /**
     * A single linear layer (ResNet's {@code fc}, DenseNet's {@code classifier}).
     *
     * @param features input features
     * @param classes number of classes
     * @return the head
     */
    public static Block linear(long features, long classes) {
        return Layers.linear(features, classes);
    }

    /**
     * Dropout (module {@code 0}) then a linear layer (module {@code 1}), torchvision's {@code
     * classifier} of MobileNetV2 and EfficientNet.
     *
     * @param dropout the dropout probability in [0, 1)
     * @param features input features
     * @param classes number of classes
     * @return the head
     * @throws IllegalArgumentException if {@code dropout} is outside [0, 1)
     */
    public static Sequential dropoutLinear(float dropout, long features, long classes) {
        Checks.dropRate("dropout", dropout);
        return new Sequential()
                .add(Dropout.builder().optRate(dropout).build())
                .add(Layers.linear(features, classes));
    }
}
