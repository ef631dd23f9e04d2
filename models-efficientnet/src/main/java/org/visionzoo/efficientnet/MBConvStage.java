package org.visionzoo.efficientnet;

/**
 * A stage of MBConv blocks (torchvision's {@code MBConvConfig}; one row of table 1 of Tan and Le
 * 2019, or an MBConv row of table 4 of Tan and Le 2021): optional 1x1 expansion to {@code
 * expandRatio} times the input channels, {@code kernel x kernel} depthwise convolution,
 * squeeze-excitation to a quarter of the block's input channels, 1x1 projection; SiLU throughout,
 * a residual connection where the shape allows.
 *
 * <pre>{@code
 * new MBConvStage(6, 5, 2, 24, 40, 2)   // B0's stage 3: MBConv6, k5x5, stride 2, 24 -> 40, 2 blocks
 * }</pre>
 *
 * @param expandRatio hidden width over input width (1 skips the expansion convolution)
 * @param kernel the depthwise kernel size, odd
 * @param stride the first block's stride, 1 or 2
 * @param inChannels the first block's input channels
 * @param outChannels every block's output channels
 * @param layers number of blocks, {@code >= 1}
 */
public record MBConvStage(
        double expandRatio, int kernel, int stride, int inChannels, int outChannels, int layers)
        implements Stage {

    /**
     * Validates the row; each message names the field and the value.
     *
     * @throws IllegalArgumentException on a value out of range
     */
    public MBConvStage {
        Stages.validate(expandRatio, kernel, stride, inChannels, outChannels, layers);
    }

    /**
     * As torchvision's {@code MBConvConfig(..., width_mult, depth_mult)}: channels become {@code
     * makeDivisible(channels * widthMultiplier, 8)} (also at {@code widthMultiplier == 1}, where it rounds
     * channel counts that are not multiples of 8), layers {@code ceil(layers * depthMultiplier)}.
     */
    @Override
    public MBConvStage scale(double widthMultiplier, double depthMultiplier) {
        return Stages.scale(this, widthMultiplier, depthMultiplier, true, MBConvStage::new);
    }
}
