package org.visionzoo.efficientnet;

import java.util.List;

/**
 * The stage tables of the released EfficientNets, unscaled, as torchvision writes them. Each is an
 * immutable list of immutable rows: pass one to {@link EfficientNet.Builder#stages(List)}, or
 * write your own.
 */
public final class StageTables {

    private StageTables() {}

    /**
     * EfficientNet-B0 (Tan and Le 2019, table 1), the baseline every B1-B7 scales: seven MBConv
     * stages from 32 to 320 channels, 16 blocks; the stem gives 32 channels, the last convolution
     * 4 x 320 = 1280.
     */
    public static final List<Stage> EFFICIENTNET_V1 = List.of(
            new MBConvStage(1, 3, 1, 32, 16, 1),
            new MBConvStage(6, 3, 2, 16, 24, 2),
            new MBConvStage(6, 5, 2, 24, 40, 2),
            new MBConvStage(6, 3, 2, 40, 80, 3),
            new MBConvStage(6, 5, 1, 80, 112, 3),
            new MBConvStage(6, 5, 2, 112, 192, 4),
            new MBConvStage(6, 3, 1, 192, 320, 1));

    /**
     * EfficientNetV2-S (Tan and Le 2021, table 4): three Fused-MBConv stages, then three MBConv
     * stages, 40 blocks; last convolution to 1280 channels.
     */
    public static final List<Stage> EFFICIENTNET_V2_S = List.of(
            new FusedMBConvStage(1, 3, 1, 24, 24, 2),
            new FusedMBConvStage(4, 3, 2, 24, 48, 4),
            new FusedMBConvStage(4, 3, 2, 48, 64, 4),
            new MBConvStage(4, 3, 2, 64, 128, 6),
            new MBConvStage(6, 3, 1, 128, 160, 9),
            new MBConvStage(6, 3, 2, 160, 256, 15));

    /**
     * EfficientNetV2-M (the paper's reference implementation, as torchvision): three Fused-MBConv
     * stages, then four MBConv stages, 57 blocks; last convolution to 1280 channels.
     */
    public static final List<Stage> EFFICIENTNET_V2_M = List.of(
            new FusedMBConvStage(1, 3, 1, 24, 24, 3),
            new FusedMBConvStage(4, 3, 2, 24, 48, 5),
            new FusedMBConvStage(4, 3, 2, 48, 80, 5),
            new MBConvStage(4, 3, 2, 80, 160, 7),
            new MBConvStage(6, 3, 1, 160, 176, 14),
            new MBConvStage(6, 3, 2, 176, 304, 18),
            new MBConvStage(6, 3, 1, 304, 512, 5));

    /**
     * EfficientNetV2-L (the paper's reference implementation, as torchvision): three Fused-MBConv
     * stages, then four MBConv stages, 79 blocks; last convolution to 1280 channels.
     */
    public static final List<Stage> EFFICIENTNET_V2_L = List.of(
            new FusedMBConvStage(1, 3, 1, 32, 32, 4),
            new FusedMBConvStage(4, 3, 2, 32, 64, 7),
            new FusedMBConvStage(4, 3, 2, 64, 96, 7),
            new MBConvStage(4, 3, 2, 96, 192, 10),
            new MBConvStage(6, 3, 1, 192, 224, 19),
            new MBConvStage(6, 3, 2, 224, 384, 25),
            new MBConvStage(6, 3, 1, 384, 640, 7));
}
