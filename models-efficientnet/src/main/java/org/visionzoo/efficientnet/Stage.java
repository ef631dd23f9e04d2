package org.visionzoo.efficientnet;

import org.visionzoo.core.nn.Layers;

/**
 * One row of an EfficientNet stage table: {@code layers} blocks of one kind, the first with
 * {@code stride} and {@code inChannels}, the others with stride 1 and {@code outChannels} in and
 * out. Rows are written unscaled, as in the papers' tables; {@link #scale(double, double)} applies
 * the compound-scaling multipliers the way torchvision does.
 *
 * <p>The two kinds are {@link MBConvStage} (depthwise MBConv with squeeze-excitation, Tan and Le
 * 2019, table 1) and {@link FusedMBConvStage} (Fused-MBConv, Tan and Le 2021, table 4).
 */
public sealed interface Stage permits MBConvStage, FusedMBConvStage {

    /**
     * Returns the expansion ratio: a block's hidden width is {@link #expandedChannels(int)}.
     *
     * @return the expansion ratio, {@code > 0}
     */
    double expandRatio();

    /**
     * Returns the kernel size of the depthwise (MBConv) or fused (Fused-MBConv) convolution.
     *
     * @return an odd kernel size
     */
    int kernel();

    /**
     * Returns the stride of the stage's first block (the others have stride 1).
     *
     * @return 1 or 2
     */
    int stride();

    /**
     * Returns the input channels of the stage's first block.
     *
     * @return the input channels
     */
    int inChannels();

    /**
     * Returns the output channels of every block of the stage.
     *
     * @return the output channels
     */
    int outChannels();

    /**
     * Returns the number of blocks.
     *
     * @return the number of blocks
     */
    int layers();

    /**
     * Returns this row with the compound-scaling multipliers applied.
     *
     * @param widthMultiplier the width multiplier, {@code > 0}
     * @param depthMultiplier the depth multiplier, {@code > 0}
     * @return the scaled row
     * @throws IllegalArgumentException if a multiplier is not positive and finite, or the scaled
     *     row would have more than 2^20 channels or layers
     */
    Stage scale(double widthMultiplier, double depthMultiplier);

    /**
     * torchvision's {@code adjust_channels(inChannels, expandRatio)}: the hidden width of a block
     * with {@code inChannels} input channels, rounded to a multiple of 8.
     *
     * @param inChannels the block's input channels
     * @return the expanded channels
     */
    default int expandedChannels(int inChannels) {
        return Layers.makeDivisible(inChannels * expandRatio(), 8);
    }
}
