package org.visionzoo.resnet;

import static org.visionzoo.resnet.ResNet.BlockType.BASIC;
import static org.visionzoo.resnet.ResNet.BlockType.BOTTLENECK;

import org.visionzoo.core.model.ModelFamily;

/**
 * torchvision's ResNets, ResNeXts and Wide ResNets, one row each: the registry name, the
 * architecture (block type, groups, width per group, blocks per stage), the parameter count at
 * 1000 classes (torchvision's {@code num_params}) and the MACs of one 224x224 image. Tests check
 * both figures against the built models.
 *
 * <pre>{@code
 * ResNet resnet50 = ResNetVariant.RESNET50.builder().build();
 * ResNet tuned = ResNetVariant.RESNET50.builder().numClasses(10).zeroInitResidual(true).build();
 * }</pre>
 */
public enum ResNetVariant implements ModelFamily.Row {
    RESNET18(Families.RESNET.variant("resnet18", 11_689_512L, 1_814_073_344L), BASIC, 1, 64, 2, 2, 2, 2),
    RESNET34(Families.RESNET.variant("resnet34", 21_797_672L, 3_663_761_408L), BASIC, 1, 64, 3, 4, 6, 3),
    RESNET50(Families.RESNET.variant("resnet50", 25_557_032L, 4_089_184_256L), BOTTLENECK, 1, 64, 3, 4, 6, 3),
    RESNET101(Families.RESNET.variant("resnet101", 44_549_160L, 7_801_405_440L), BOTTLENECK, 1, 64, 3, 4, 23, 3),
    RESNET152(Families.RESNET.variant("resnet152", 60_192_808L, 11_513_626_624L), BOTTLENECK, 1, 64, 3, 8, 36, 3),
    RESNEXT50_32X4D(Families.RESNEXT.variant("resnext50_32x4d", 25_028_904L, 4_230_479_872L), BOTTLENECK, 32, 4, 3, 4, 6, 3),
    RESNEXT101_32X8D(Families.RESNEXT.variant("resnext101_32x8d", 88_791_336L, 16_414_015_488L), BOTTLENECK, 32, 8, 3, 4, 23, 3),
    RESNEXT101_64X4D(Families.RESNEXT.variant("resnext101_64x4d", 83_455_272L, 15_460_270_080L), BOTTLENECK, 64, 4, 3, 4, 23, 3),
    WIDE_RESNET50_2(Families.WIDE_RESNET.variant("wide_resnet50_2", 68_883_240L, 11_398_021_120L), BOTTLENECK, 1, 128, 3, 4, 6, 3),
    WIDE_RESNET101_2(Families.WIDE_RESNET.variant("wide_resnet101_2", 126_886_696L, 22_753_050_624L), BOTTLENECK, 1, 128, 3, 4, 23, 3);

    /** The sub-families, with their paper and default input. */
    static final class Families {
        static final ModelFamily RESNET = new ModelFamily("ResNet", 224, 1000,
                "He et al., Deep Residual Learning for Image Recognition, CVPR 2016, arXiv:1512.03385");
        static final ModelFamily RESNEXT = new ModelFamily("ResNeXt", 224, 1000,
                "Xie et al., Aggregated Residual Transformations for Deep Neural Networks, CVPR 2017, arXiv:1611.05431");
        static final ModelFamily WIDE_RESNET = new ModelFamily("Wide ResNet", 224, 1000,
                "Zagoruyko and Komodakis, Wide Residual Networks, BMVC 2016, arXiv:1605.07146");

        private Families() {}
    }

    private final ModelFamily.Variant variant;
    private final ResNet.BlockType block;
    private final int groups;
    private final int widthPerGroup;
    private final int[] layers;

    ResNetVariant(
            ModelFamily.Variant variant,
            ResNet.BlockType block,
            int groups,
            int widthPerGroup,
            int... layers) {
        this.variant = variant;
        this.block = block;
        this.groups = groups;
        this.widthPerGroup = widthPerGroup;
        this.layers = layers;
    }

    @Override
    public ModelFamily.Variant variant() {
        return variant;
    }

    /**
     * Returns a new builder with this variant's architecture, 1000 classes and 3 input channels.
     *
     * @return the builder
     */
    @Override
    public ResNet.Builder builder() {
        return ResNet.builder()
                .block(block)
                .groups(groups)
                .widthPerGroup(widthPerGroup)
                .layers(layers);
    }
}
