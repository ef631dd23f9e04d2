package org.visionzoo.resnet;

import org.visionzoo.core.model.ModelFamily;
import org.visionzoo.core.model.ModelSpec;

/**
 * The CIFAR ResNets of the paper's section 4.2, one row each: the registry name, the depth, the
 * parameter count at 10 classes and the MACs of one 32x32 image. Tests check both figures against
 * the built models (and the counts against a PyTorch definition).
 *
 * <pre>{@code
 * CifarResNet resnet56 = CifarResNetVariant.RESNET56.builder().build();
 * }</pre>
 */
public enum CifarResNetVariant {
    RESNET20("resnet20", 20, 269_722L, 40_551_040L),
    RESNET32("resnet32", 32, 464_154L, 68_862_592L),
    RESNET44("resnet44", 44, 658_586L, 97_174_144L),
    RESNET56("resnet56", 56, 853_018L, 125_485_696L),
    RESNET110("resnet110", 110, 1_727_962L, 252_887_680L);

    private static final class Family {
        static final ModelFamily CIFAR_RESNET = new ModelFamily("CIFAR ResNet", 32, 10,
                "He et al., Deep Residual Learning for Image Recognition, CVPR 2016, section 4.2, arXiv:1512.03385");

        private Family() {}
    }

    private final String modelName;
    private final int depth;
    private final long params;
    private final long macs;

    CifarResNetVariant(String modelName, int depth, long params, long macs) {
        this.modelName = modelName;
        this.depth = depth;
        this.params = params;
        this.macs = macs;
    }

    /**
     * Returns the registry name.
     *
     * @return the name
     */
    public String modelName() {
        return modelName;
    }

    /**
     * Returns a new builder with this variant's depth, 10 classes and 3 input channels.
     *
     * @return the builder
     */
    public CifarResNet.Builder builder() {
        return CifarResNet.builder().depth(depth);
    }

    /**
     * Returns the registry entry.
     *
     * @return the entry
     */
    public ModelSpec spec() {
        return Family.CIFAR_RESNET.spec(modelName, params, macs, this::builder);
    }
}
