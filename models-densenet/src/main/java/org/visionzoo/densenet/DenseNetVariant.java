package org.visionzoo.densenet;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelFactory;
import org.visionzoo.core.model.ModelSpec;

/**
 * Every registered model of the family, with its registry name (torchvision's for the ImageNet
 * DenseNets), the parameter count at the default class count (torchvision's {@code num_params};
 * for DenseNet-BC the count of the paper's architecture at 10 classes, which the tests also take
 * from a PyTorch definition) and the MACs of one image at the default input size. Tests check both
 * against the built models.
 */
public enum DenseNetVariant {
    DENSENET121("densenet121", Family.DENSENET, 7_978_856L, 2_834_161_664L, (n, c) -> withChannels(DenseNet.densenet121(n), c)),
    DENSENET161("densenet161", Family.DENSENET, 28_681_000L, 7_727_907_072L, (n, c) -> withChannels(DenseNet.densenet161(n), c)),
    DENSENET169("densenet169", Family.DENSENET, 14_149_480L, 3_359_843_328L, (n, c) -> withChannels(DenseNet.densenet169(n), c)),
    DENSENET201("densenet201", Family.DENSENET, 20_013_928L, 4_291_365_888L, (n, c) -> withChannels(DenseNet.densenet201(n), c)),
    DENSENET_BC_100_12("densenet_bc_100_12", Family.CIFAR_DENSENET_BC, 769_162L, 287_929_692L, (n, c) -> bc(100, 12, n, c)),
    DENSENET_BC_250_24("densenet_bc_250_24", Family.CIFAR_DENSENET_BC, 15_324_406L, 5_418_785_724L, (n, c) -> bc(250, 24, n, c)),
    DENSENET_BC_190_40("densenet_bc_190_40", Family.CIFAR_DENSENET_BC, 25_624_430L, 9_301_945_740L, (n, c) -> bc(190, 40, n, c));

    /** The sub-families, with their paper and default input. */
    public enum Family {
        /** DenseNet on ImageNet, as torchvision builds it. */
        DENSENET("DenseNet", 224, 1000,
                "Huang et al., Densely Connected Convolutional Networks, CVPR 2017, arXiv:1608.06993"),
        /** The CIFAR DenseNet-BC. */
        CIFAR_DENSENET_BC("CIFAR DenseNet-BC", 32, 10,
                "Huang et al., Densely Connected Convolutional Networks, CVPR 2017, table 2, arXiv:1608.06993");

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

    DenseNetVariant(String modelName, Family family, long params, long macs, ModelFactory factory) {
        this.modelName = modelName;
        this.family = family;
        this.params = params;
        this.macs = macs;
        this.factory = factory;
    }

    private static DenseNet bc(int depth, int growthRate, int numClasses, int inChannels) {
        return DenseNet.bcBuilder(depth, growthRate).numClasses(numClasses).inChannels(inChannels).build();
    }

    private static DenseNet withChannels(DenseNet model, int inChannels) {
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
