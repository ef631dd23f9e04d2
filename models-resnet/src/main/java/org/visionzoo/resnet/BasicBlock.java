package org.visionzoo.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.visionzoo.core.nn.ActivationBlock;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.BatchNormFolding;
import org.visionzoo.core.nn.Init;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.NamedBlock;

import java.util.List;

/**
 * torchvision's {@code BasicBlock}: two 3x3 convolutions ({@code conv1} with the stride, {@code
 * conv2}), each followed by batch norm, the shortcut added before the last ReLU.
 */
final class BasicBlock extends NamedBlock {

    private final Block conv1;
    private final Block bn1;
    private final Block conv2;
    private final BatchNorm2d bn2;
    private final Block downsample;

    BasicBlock(int planes, int stride, Block downsample, boolean zeroInitResidual) {
        conv1 = add("conv1", Layers.conv(planes, 3, stride, 1));
        bn1 = add("bn1", new BatchNorm2d());
        conv2 = add("conv2", Layers.conv(planes, 3, 1, 1));
        bn2 = add("bn2", new BatchNorm2d());
        this.downsample = downsample == null ? null : add("downsample", downsample);
        if (zeroInitResidual) {
            bn2.setInitializer(Init.ZEROS, "weight");
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray out = applyChain(ps, x, training, conv1, bn1, ActivationBlock.RELU, conv2, bn2);
        return new NDList(ResNet.addAndRelu(out, x, downsample, ps, training));
    }

    @Override
    protected List<BatchNormFolding.Pair> foldableBatchNorms() {
        return List.of(
                new BatchNormFolding.Pair("conv1", "bn1"),
                new BatchNormFolding.Pair("conv2", "bn2"));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return chainShapes(inputShapes, conv1, bn1, conv2, bn2);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        initializeChain(manager, dataType, inputShapes, conv1, bn1, conv2, bn2);
        if (downsample != null) {
            downsample.initialize(manager, dataType, inputShapes);
        }
    }
}
