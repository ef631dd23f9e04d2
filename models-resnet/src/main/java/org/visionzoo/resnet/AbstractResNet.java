package org.visionzoo.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import org.visionzoo.core.model.ClassifierBuilder;
import org.visionzoo.core.model.ClassifierConfig;
import org.visionzoo.core.model.ConfiguredClassifier;
import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.BatchNormFolding;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What {@link ResNet} and {@link CifarResNet} share: children {@code conv1} and {@code bn1} (the
 * stem, folded together for inference), then the rest of the backbone in order ({@code maxpool}
 * where there is one, {@code layer1}, {@code layer2}, ...), a ReLU after {@code bn1}, global
 * average pooling, the configuration's dropout on the pooled features and the head {@code fc}.
 *
 * @param <C> the configuration record
 * @param <B> the family's builder
 */
abstract class AbstractResNet<C extends ClassifierConfig, B extends ClassifierBuilder<B>>
        extends ConfiguredClassifier<C, B> {

    /**
     * Creates the model; the subclass adds {@code conv1}, {@code bn1}, the other backbone
     * children, then the head.
     *
     * @param config the configuration
     * @param toBuilder makes a builder holding a configuration
     * @param featureDim channels of the last stage
     */
    AbstractResNet(C config, Function<? super C, B> toBuilder, int featureDim) {
        super(config, toBuilder, "fc", featureDim);
    }

    @Override
    protected final List<BatchNormFolding.Pair> foldableBatchNorms() {
        return List.of(new BatchNormFolding.Pair("conv1", "bn1"));
    }

    @Override
    protected final double featureDropout() {
        return config().dropout();
    }

    @Override
    public final NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray out = apply(child("conv1"), ps, x, training);
        out = consume(out, apply(child("bn1"), ps, out, training));
        out = consume(out, Activation.RELU.apply(out));
        List<Map.Entry<String, Block>> backbone = backbone();
        for (Map.Entry<String, Block> child : backbone.subList(2, backbone.size())) {
            out = consume(out, apply(child.getValue(), ps, out, training));
        }
        return globalPool(out);
    }
}
