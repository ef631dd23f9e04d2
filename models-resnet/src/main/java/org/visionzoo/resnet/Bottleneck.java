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
 * torchvision's {@code Bottleneck} (ResNet v1.5): 1x1 {@code conv1} to {@code width}, 3x3 {@code
 * conv2} with the stride, groups (ResNeXt) and dilation, 1x1 {@code conv3} to {@code planes * 4},
 * each followed by batch norm; the shortcut is added before the last ReLU.
 */
final class Bottleneck extends NamedBlock {

    static final int EXPANSION = 4;

    private final Block conv1;
    private final Block bn1;
    private final Block conv2;
    private final Block bn2;
    private final Block conv3;
    private final BatchNorm2d bn3;
    private final Block downsample;

    Bottleneck(
            int planes,
            int stride,
            Block downsample,
            int groups,
            int widthPerGroup,
            int dilation,
            boolean zeroInitResidual) {
        int width = (int) (planes * (widthPerGroup / 64.0)) * groups;
        conv1 = add("conv1", Layers.conv(width, 1, 1, 1));
        bn1 = add("bn1", new BatchNorm2d());
        conv2 = add("conv2", Layers.conv(width, 3, stride, dilation, groups, dilation, false));
        bn2 = add("bn2", new BatchNorm2d());
        conv3 = add("conv3", Layers.conv(planes * EXPANSION, 1, 1, 1));
        bn3 = add("bn3", new BatchNorm2d());
        this.downsample = downsample == null ? null : add("downsample", downsample);
        if (zeroInitResidual) {
            bn3.setInitializer(Init.ZEROS, "weight");
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray out = applyChain(ps, x, training, conv1, bn1, ActivationBlock.RELU, conv2, bn2, ActivationBlock.RELU, conv3, bn3);
        return new NDList(ResNet.addAndRelu(out, x, downsample, ps, training));
    }

    @Override
    protected List<BatchNormFolding.Pair> foldableBatchNorms() {
        return List.of(
                new BatchNormFolding.Pair("conv1", "bn1"),
                new BatchNormFolding.Pair("conv2", "bn2"),
                new BatchNormFolding.Pair("conv3", "bn3"));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return chainShapes(inputShapes, conv1, bn1, conv2, bn2, conv3, bn3);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        initializeChain(manager, dataType, inputShapes, conv1, bn1, conv2, bn2, conv3, bn3);
        if (downsample != null) {
            downsample.initialize(manager, dataType, inputShapes);
        }
    }
}
