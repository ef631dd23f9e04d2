package org.visionzoo.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.Init;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.ResidualBlock;

/**
 * The basic block of the CIFAR ResNets (He et al., 2016, section 4.2) with the parameter-free
 * "option A" shortcut: where the block halves the resolution and doubles the width, the shortcut
 * takes every other pixel and pads the new channels with zeros ({@code planes / 4} on each side).
 */
final class CifarBasicBlock extends ResidualBlock {

    private static final NDIndex SUBSAMPLE = new NDIndex(":, :, ::2, ::2");

    private final int pad;

    CifarBasicBlock(int inPlanes, int planes, int stride) {
        super(Activation.RELU);
        branch("conv1", kaimingFanIn(Layers.conv(planes, 3, stride, 1)));
        branch("bn1", new BatchNorm2d());
        activation(Activation.RELU);
        branch("conv2", kaimingFanIn(Layers.conv(planes, 3, 1, 1)));
        branch("bn2", new BatchNorm2d());
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

    /** Option A: the input itself, or every other pixel with {@code pad} zero channels each side. */
    @Override
    protected NDArray shortcut(ParameterStore ps, NDArray x, boolean training) {
        if (pad == 0) {
            return x;
        }
        try (NDArray sub = x.get(SUBSAMPLE)) {
            Shape s = sub.getShape();
            try (NDArray zeros = x.getManager().zeros(
                    new Shape(s.get(0), pad, s.get(2), s.get(3)), x.getDataType(), x.getDevice())) {
                return NDArrays.concat(new NDList(zeros, sub, zeros), 1);
            }
        }
    }
}
