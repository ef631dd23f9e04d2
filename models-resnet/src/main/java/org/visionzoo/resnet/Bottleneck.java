package org.visionzoo.resnet;

import ai.djl.nn.Block;

import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.Init;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.ResidualBlock;

/**
 * torchvision's {@code Bottleneck} (ResNet v1.5): 1x1 {@code conv1} to {@code width}, 3x3 {@code
 * conv2} with the stride, groups (ResNeXt) and dilation, 1x1 {@code conv3} to {@code planes * 4},
 * each followed by batch norm; the shortcut is added before the last ReLU.
 */
final class Bottleneck extends ResidualBlock {

    static final int EXPANSION = 4;

    Bottleneck(
            int planes,
            int stride,
            Block downsample,
            int groups,
            int widthPerGroup,
            int dilation,
            boolean zeroInitResidual) {
        super(Activation.RELU);
        int width = (int) (planes * (widthPerGroup / 64.0)) * groups;
        branch("conv1", Layers.conv(width, 1, 1, 1));
        branch("bn1", new BatchNorm2d());
        activation(Activation.RELU);
        branch("conv2", Layers.conv(width, 3, stride, dilation, groups, dilation, false));
        branch("bn2", new BatchNorm2d());
        activation(Activation.RELU);
        branch("conv3", Layers.conv(planes * EXPANSION, 1, 1, 1));
        BatchNorm2d bn3 = branch("bn3", new BatchNorm2d());
        shortcut("downsample", downsample);
        if (zeroInitResidual) {
            bn3.setInitializer(Init.ZEROS, "weight");
        }
    }
}
