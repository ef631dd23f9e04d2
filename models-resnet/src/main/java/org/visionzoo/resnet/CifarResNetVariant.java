package org.visionzoo.resnet;

import org.visionzoo.core.model.ModelFamily;

/**
 * The CIFAR ResNets of the paper's section 4.2, one row each: the registry name, the depth, the
 * parameter count at 10 classes and the MACs of one 32x32 image. Tests check both figures against
 * the built models (and the counts against a PyTorch definition).
 *
 * <pre>{@code
 * CifarResNet resnet56 = CifarResNetVariant.RESNET56.builder().build();
 * }</pre>
 */
public enum CifarResNetVariant implements ModelFamily.Row {
    RESNET20(Family.CIFAR_RESNET.variant("resnet20", 269_722L, 40_551_040L), 20),
    RESNET32(Family.CIFAR_RESNET.variant("resnet32", 464_154L, 68_862_592L), 32),
    RESNET44(Family.CIFAR_RESNET.variant("resnet44", 658_586L, 97_174_144L), 44),
    RESNET56(Family.CIFAR_RESNET.variant("resnet56", 853_018L, 125_485_696L), 56),
    RESNET110(Family.CIFAR_RESNET.variant("resnet110", 1_727_962L, 252_887_680L), 110);

    private static final class Family {
        static final ModelFamily CIFAR_RESNET = new ModelFamily("CIFAR ResNet", 32, 10,
                "He et al., Deep Residual Learning for Image Recognition, CVPR 2016, section 4.2, arXiv:1512.03385");

        private Family() {}
    }

    private final ModelFamily.Variant variant;
    private final int depth;

    CifarResNetVariant(ModelFamily.Variant variant, int depth) {
        this.variant = variant;
        this.depth = depth;
    }

    @Override
    public ModelFamily.Variant variant() {
        return variant;
    }

    /**
     * Returns a new builder with this variant's depth, 10 classes and 3 input channels.
     *
     * @return the builder
     */
    @Override
    public CifarResNet.Builder builder() {
        return CifarResNet.builder().depth(depth);
    }
}
