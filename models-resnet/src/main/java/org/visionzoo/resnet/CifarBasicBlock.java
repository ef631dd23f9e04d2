package org.visionzoo.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.ActivationBlock;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.BatchNormFolding;
import org.visionzoo.core.nn.Init;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.NamedBlock;

import ai.djl.nn.Parameter;
import java.util.List;

/**
 * The basic block of the CIFAR ResNets (He et al., 2016, section 4.2) with the parameter-free
 * "option A" shortcut: where the block halves the resolution and doubles the width, the shortcut
 * takes every other pixel and pads the new channels with zeros ({@code planes / 4} on each side).
 */
final class CifarBasicBlock extends NamedBlock {

    private static final NDIndex SUBSAMPLE = new NDIndex(":, :, ::2, ::2");

    private final Block conv1;
    private final Block bn1;
    private final Block conv2;
    private final Block bn2;
    private final int pad;

    CifarBasicBlock(int inPlanes, int planes, int stride) {
        conv1 = add("conv1", kaimingFanIn(Layers.conv(planes, 3, stride, 1)));
        bn1 = add("bn1", new BatchNorm2d());
        conv2 = add("conv2", kaimingFanIn(Layers.conv(planes, 3, 1, 1)));
        bn2 = add("bn2", new BatchNorm2d());
        boolean projectShortcut = stride != 1 || inPlanes != planes;
        if (projectShortcut && (stride != 2 || planes != 2 * inPlanes)) {
            throw new IllegalArgumentException(
                    "option A shortcut needs stride 2 and doubled width, got stride "
                            + stride + ", " + inPlanes + " -> " + planes + " channels");
        }
        pad = projectShortcut ? planes / 4 : 0;
    }

    // The reference CIFAR implementations use torch's kaiming_normal_ default (fan_in).
    static <B extends Block> B kaimingFanIn(B block) {
        block.setInitializer(Init.kaimingNormalFanIn(), Parameter.Type.WEIGHT);
        return block;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray out = applyChain(ps, x, training, conv1, bn1, ActivationBlock.RELU, conv2, bn2);
        NDArray sum;
        if (pad == 0) {
            sum = out.add(x);
        } else {
            try (NDArray shortcut = shortcut(x)) {
                sum = out.add(shortcut);
            }
        }
        out.close();
        return new NDList(consume(sum, Activation.RELU.apply(sum)));
    }

    private NDArray shortcut(NDArray x) {
        try (NDArray sub = x.get(SUBSAMPLE)) {
            Shape s = sub.getShape();
            try (NDArray zeros = x.getManager().zeros(new Shape(s.get(0), pad, s.get(2), s.get(3)), x.getDataType(), x.getDevice())) {
                return NDArrays.concat(new NDList(zeros, sub, zeros), 1);
            }
        }
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
    }
}
