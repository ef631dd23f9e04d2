package org.visionzoo.resnet;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelFactory;
import org.visionzoo.core.model.ModelSpec;


/**
 * Every registered model of the family, with torchvision's name, the parameter count at the
 * default class count (torchvision's {@code num_params}; for the CIFAR ResNets the count of the
 * paper's architecture at 10 classes) and the MACs of one image at the default input size. Tests
 * check both against the built models.
 */
public enum ResNetVariant {
    RESNET18("resnet18", Family.RESNET, 11_689_512L, 1_814_073_344L, (n, c) -> withChannels(ResNet.resnet18(n), c)),
    RESNET34("resnet34", Family.RESNET, 21_797_672L, 3_663_761_408L, (n, c) -> withChannels(ResNet.resnet34(n), c)),
    RESNET50("resnet50", Family.RESNET, 25_557_032L, 4_089_184_256L, (n, c) -> withChannels(ResNet.resnet50(n), c)),
    RESNET101("resnet101", Family.RESNET, 44_549_160L, 7_801_405_440L, (n, c) -> withChannels(ResNet.resnet101(n), c)),
    RESNET152("resnet152", Family.RESNET, 60_192_808L, 11_513_626_624L, (n, c) -> withChannels(ResNet.resnet152(n), c)),
    RESNEXT50_32X4D("resnext50_32x4d", Family.RESNEXT, 25_028_904L, 4_230_479_872L, (n, c) -> withChannels(ResNet.resnext50_32x4d(n), c)),
    RESNEXT101_32X8D("resnext101_32x8d", Family.RESNEXT, 88_791_336L, 16_414_015_488L, (n, c) -> withChannels(ResNet.resnext101_32x8d(n), c)),
    RESNEXT101_64X4D("resnext101_64x4d", Family.RESNEXT, 83_455_272L, 15_460_270_080L, (n, c) -> withChannels(ResNet.resnext101_64x4d(n), c)),
    WIDE_RESNET50_2("wide_resnet50_2", Family.WIDE_RESNET, 68_883_240L, 11_398_021_120L, (n, c) -> withChannels(ResNet.wide_resnet50_2(n), c)),
    WIDE_RESNET101_2("wide_resnet101_2", Family.WIDE_RESNET, 126_886_696L, 22_753_050_624L, (n, c) -> withChannels(ResNet.wide_resnet101_2(n), c)),
    RESNET20("resnet20", Family.CIFAR_RESNET, 269_722L, 40_551_040L, (n, c) -> cifar(20, n, c)),
    RESNET32("resnet32", Family.CIFAR_RESNET, 464_154L, 68_862_592L, (n, c) -> cifar(32, n, c)),
    RESNET44("resnet44", Family.CIFAR_RESNET, 658_586L, 97_174_144L, (n, c) -> cifar(44, n, c)),
    RESNET56("resnet56", Family.CIFAR_RESNET, 853_018L, 125_485_696L, (n, c) -> cifar(56, n, c)),
    RESNET110("resnet110", Family.CIFAR_RESNET, 1_727_962L, 252_887_680L, (n, c) -> cifar(110, n, c));

    /** The sub-families, with their paper and default input. */
    public enum Family {
        /** ResNet on ImageNet. */
        RESNET("ResNet", 224, 1000,
                "He et al., Deep Residual Learning for Image Recognition, CVPR 2016, arXiv:1512.03385"),
        /** ResNeXt on ImageNet. */
        RESNEXT("ResNeXt", 224, 1000,
                "Xie et al., Aggregated Residual Transformations for Deep Neural Networks, CVPR 2017, arXiv:1611.05431"),
        /** Wide ResNet on ImageNet. */
        WIDE_RESNET("Wide ResNet", 224, 1000,
                "Zagoruyko and Komodakis, Wide Residual Networks, BMVC 2016, arXiv:1605.07146"),
        /** The CIFAR ResNets. */
        CIFAR_RESNET("CIFAR ResNet", 32, 10,
                "He et al., Deep Residual Learning for Image Recognition, CVPR 2016, section 4.2, arXiv:1512.03385");

        private final String label;
        private final int imageSize;
        private final int numClasses;
        private final String paper;

        Family(String label, int imageSize, int numClasses, String paper) {
            this.label = label;
            this.imageSize = imageSize;
            this.numClasses = numClasses;
            this.paper = paper;
        }
    }

    private final String modelName;
    private final Family family;
    private final long params;
    private final long macs;
    private final ModelFactory factory;

    ResNetVariant(
            String modelName,
            Family family,
            long params,
            long macs,
            ModelFactory factory) {
        this.modelName = modelName;
        this.family = family;
        this.params = params;
        this.macs = macs;
        this.factory = factory;
    }

    private static CifarResNet cifar(int depth, int numClasses, int inChannels) {
        return CifarResNet.builder().depth(depth).numClasses(numClasses).inChannels(inChannels).build();
    }

    private static ResNet withChannels(ResNet model, int inChannels) {
        return inChannels == model.inChannels() ? model : model.toBuilder().inChannels(inChannels).build();
    }

    /**
     * Returns the registry name (torchvision's where it has the model).
     *
     * @return the name
     */
    public String modelName() {
        return modelName;
    }

    /**
     * Builds the model.
     *
     * @param numClasses number of classes
     * @return a new, uninitialised model
     */
    public ImageClassifier create(int numClasses) {
        return factory.create(numClasses, 3);
    }

    /**
     * Builds the model for another number of input channels (1 for grayscale images).
     *
     * @param numClasses number of classes
     * @param inChannels input channels
     * @return a new, uninitialised model
     */
    public ImageClassifier create(int numClasses, int inChannels) {
        return factory.create(numClasses, inChannels);
    }

    /**
     * Returns the registry entry.
     *
     * @return the entry
     */
    public ModelSpec spec() {
        return new ModelSpec(
                modelName,
                family.label,
                family.imageSize,
                family.numClasses,
                3,
                params,
                macs,
                family.paper,
                factory);
    }
}
