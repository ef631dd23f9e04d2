package org.visionzoo.efficientnet;

/**
 * A stage of Fused-MBConv blocks (torchvision's {@code FusedMBConvConfig}; a Fused-MBConv row of
 * table 4 of Tan and Le 2021): the expansion and depthwise convolutions of MBConv fused into one
 * regular {@code kernel x kernel} convolution to {@code expandRatio} times the input channels,
 * then a 1x1 projection (or, with no expansion, a single {@code kernel x kernel} convolution to
 * the output channels); no squeeze-excitation; SiLU; a residual connection where the shape allows.
 *
 * <pre>{@code
 * new FusedMBConvStage(4, 3, 2, 24, 48, 4)   // V2-S's stage 2: Fused-MBConv4, k3x3, stride 2, 24 -> 48, 4 blocks
 * }</pre>
 *
 * @param expandRatio hidden width over input width (1: a single convolution)
 * @param kernel the fused convolution's kernel size, odd
 * @param stride the first block's stride, 1 or 2
 * @param inChannels the first block's input channels
 * @param outChannels every block's output channels
 * @param layers number of blocks, {@code >= 1}
 */
public record FusedMBConvStage(
        double expandRatio, int kernel, int stride, int inChannels, int outChannels, int layers)
        implements Stage {

    /**
     * Validates the row; each message names the field and the value.
     *
     * @throws IllegalArgumentException on a value out of range
     */
    public FusedMBConvStage {
        Stages.validate(expandRatio, kernel, stride, inChannels, outChannels, layers);
    }

    /**
     * torchvision's {@code FusedMBConvConfig} takes no multipliers: at {@code widthMultiplier == 1} the
     * channels stay as written (torchvision's EfficientNetV2 tables) and layers become {@code
     * ceil(layers * depthMultiplier)}; any other width multiplier scales the channels as an {@link
     * MBConvStage}'s, {@code makeDivisible(channels * widthMultiplier, 8)}, so that a whole mixed table
     * scales consistently.
     */
    @Override
    public FusedMBConvStage scale(double widthMultiplier, double depthMultiplier) {
        return Stages.scale(this, widthMultiplier, depthMultiplier, widthMultiplier != 1.0, FusedMBConvStage::new);
    }
}
