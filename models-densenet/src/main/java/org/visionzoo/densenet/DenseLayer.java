package org.visionzoo.densenet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.ActivationBlock;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.BatchNormFolding;
import org.visionzoo.core.nn.NamedBlock;

import java.util.List;

/**
 * torchvision's {@code _DenseLayer}, the bottleneck ("B") layer: {@code norm1, relu1, conv1} (1x1
 * to {@code bnSize * growthRate} channels), {@code norm2, relu2, conv2} (3x3 to {@code growthRate}
 * channels), then dropout in training if the drop rate is positive.
 *
 * <p>Its input is the concatenation of every earlier feature map of the block, which the {@link
 * DenseBlock} builds once and owns; the layer leaves it open and returns only its {@code
 * growthRate} new channels.
 */
final class DenseLayer extends NamedBlock {

    private final Block norm1;
    private final Block relu1;
    private final Block conv1;
    private final Block norm2;
    private final Block relu2;
    private final Block conv2;
    private final float dropRate;

    DenseLayer(int growthRate, int bnSize, float dropRate) {
        norm1 = add("norm1", new BatchNorm2d());
        relu1 = add("relu1", new ActivationBlock(Activation.RELU));
        conv1 = add("conv1", DenseNet.conv(bnSize * growthRate, 1, 1, 0));
        norm2 = add("norm2", new BatchNorm2d());
        relu2 = add("relu2", new ActivationBlock(Activation.RELU));
        conv2 = add("conv2", DenseNet.conv(growthRate, 3, 1, 1));
        this.dropRate = dropRate;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray out = applyChain(ps, x, training, norm1, relu1, conv1, norm2, relu2, conv2);
        if (training && dropRate > 0) {
            out = consume(out, Dropout.dropout(out, dropRate, true).singletonOrThrow());
        }
        return new NDList(out);
    }

    @Override
    protected List<BatchNormFolding.Pair> foldableBatchNorms() {
        return List.of(
                new BatchNormFolding.Pair("conv1", "norm2"));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return chainShapes(inputShapes, norm1, relu1, conv1, norm2, relu2, conv2);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        initializeChain(manager, dataType, inputShapes, norm1, relu1, conv1, norm2, relu2, conv2);
    }
}
