package org.visionzoo.resnet;

import ai.djl.nn.Block;

import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.Init;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.ResidualBlock;

/**
 * torchvision's {@code BasicBlock}: two 3x3 convolutions ({@code conv1} with the stride, {@code
 * conv2}), each followed by batch norm, the shortcut added before the last ReLU.
 */
final class BasicBlock extends ResidualBlock {

    BasicBlock(int planes, int stride, Block downsample, boolean zeroInitResidual) {
        super(Activation.RELU);
        branch("conv1", Layers.conv(planes, 3, stride, 1));
        branch("bn1", new BatchNorm2d());
        activation(Activation.RELU);
        branch("conv2", Layers.conv(planes, 3, 1, 1));
        BatchNorm2d bn2 = branch("bn2", new BatchNorm2d());
        shortcut("downsample", downsample);
        if (zeroInitResidual) {
            bn2.setInitializer(Init.ZEROS, "weight");
        }
    }
}
