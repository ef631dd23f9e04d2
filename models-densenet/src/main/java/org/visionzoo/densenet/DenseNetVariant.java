package org.visionzoo.densenet;

import org.visionzoo.core.model.ModelFamily;

import java.util.function.Supplier;

/**
 * Every registered DenseNet, one row each: the registry name (torchvision's for the ImageNet
 * DenseNets), the architecture, the parameter count at the default class count (torchvision's
 * {@code num_params}; for DenseNet-BC the count of the paper's architecture at 10 classes, which
 * the tests also take from a PyTorch definition) and the MACs of one image at the default input
 * size. Tests check both figures against the built models.
 *
 * <pre>{@code
 * DenseNet densenet121 = DenseNetVariant.DENSENET121.builder().build();
 * DenseNet bc = DenseNetVariant.DENSENET_BC_100_12.builder().dropRate(0.2).build();
 * }</pre>
 */
public enum DenseNetVariant implements ModelFamily.Row {
    DENSENET121(Families.DENSENET.variant("densenet121", 7_978_856L, 2_834_161_664L), () -> imagenet(32, 64, 6, 12, 24, 16)),
    DENSENET161(Families.DENSENET.variant("densenet161", 28_681_000L, 7_727_907_072L), () -> imagenet(48, 96, 6, 12, 36, 24)),
    DENSENET169(Families.DENSENET.variant("densenet169", 14_149_480L, 3_359_843_328L), () -> imagenet(32, 64, 6, 12, 32, 32)),
    DENSENET201(Families.DENSENET.variant("densenet201", 20_013_928L, 4_291_365_888L), () -> imagenet(32, 64, 6, 12, 48, 32)),
    DENSENET_BC_100_12(Families.CIFAR_DENSENET_BC.variant("densenet_bc_100_12", 769_162L, 287_929_692L), () -> DenseNet.bcBuilder(100, 12)),
    DENSENET_BC_250_24(Families.CIFAR_DENSENET_BC.variant("densenet_bc_250_24", 15_324_406L, 5_418_785_724L), () -> DenseNet.bcBuilder(250, 24)),
    DENSENET_BC_190_40(Families.CIFAR_DENSENET_BC.variant("densenet_bc_190_40", 25_624_430L, 9_301_945_740L), () -> DenseNet.bcBuilder(190, 40));

    /** The sub-families, with their paper and default input. */
    static final class Families {
        static final ModelFamily DENSENET = new ModelFamily("DenseNet", 224, 1000,
                "Huang et al., Densely Connected Convolutional Networks, CVPR 2017, arXiv:1608.06993");
        static final ModelFamily CIFAR_DENSENET_BC = new ModelFamily("CIFAR DenseNet-BC", 32, 10,
                "Huang et al., Densely Connected Convolutional Networks, CVPR 2017, table 2, arXiv:1608.06993");

        private Families() {}
    }

    private final ModelFamily.Variant variant;
    private final Supplier<DenseNet.Builder> preset;

    DenseNetVariant(ModelFamily.Variant variant, Supplier<DenseNet.Builder> preset) {
        this.variant = variant;
        this.preset = preset;
    }

    private static DenseNet.Builder imagenet(int growthRate, int numInitFeatures, int... blockConfig) {
        return DenseNet.builder().growthRate(growthRate).numInitFeatures(numInitFeatures).blockConfig(blockConfig);
    }

    @Override
    public ModelFamily.Variant variant() {
        return variant;
    }

    /**
     * Returns a new builder with this variant's architecture and default class count.
     *
     * @return the builder
     */
    @Override
    public DenseNet.Builder builder() {
        return preset.get();
    }
}
