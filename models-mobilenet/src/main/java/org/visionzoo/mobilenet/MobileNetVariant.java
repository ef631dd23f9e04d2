package org.visionzoo.mobilenet;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelFactory;
import org.visionzoo.core.model.ModelSpec;

/**
 * Every registered model of the family, with its registry name (torchvision's for V2 and V3), the
 * parameter count at 1000 classes (torchvision's {@code num_params} for V2 and V3; for V1 the
 * paper's architecture counted as PyTorch counts) and the multiply-accumulates of one 224x224
 * image (convolutions and linear layers). Tests check both against the built models.
 */
public enum MobileNetVariant {
    MOBILENET_V1("mobilenet_v1", Family.V1, 4_231_976L, 568_740_352L,
            (n, c) -> MobileNetV1.builder().numClasses(n).inChannels(c).build()),
    MOBILENET_V1_075("mobilenet_v1_075", Family.V1, 2_585_560L, 325_400_448L,
            (n, c) -> MobileNetV1.builder().widthMultiplier(0.75).numClasses(n).inChannels(c).build()),
    MOBILENET_V1_050("mobilenet_v1_050", Family.V1, 1_331_592L, 149_497_088L,
            (n, c) -> MobileNetV1.builder().widthMultiplier(0.5).numClasses(n).inChannels(c).build()),
    MOBILENET_V1_025("mobilenet_v1_025", Family.V1, 470_072L, 41_030_272L,
            (n, c) -> MobileNetV1.builder().widthMultiplier(0.25).numClasses(n).inChannels(c).build()),
    MOBILENET_V2("mobilenet_v2", Family.V2, 3_504_872L, 300_774_272L,
            (n, c) -> MobileNetV2.builder().numClasses(n).inChannels(c).build()),
    MOBILENET_V3_SMALL("mobilenet_v3_small", Family.V3, 2_542_856L, 56_510_400L,
            (n, c) -> MobileNetV3.builder().small().numClasses(n).inChannels(c).build()),
    MOBILENET_V3_LARGE("mobilenet_v3_large", Family.V3, 5_483_032L, 216_589_760L,
            (n, c) -> MobileNetV3.builder().large().numClasses(n).inChannels(c).build());

    /** The generations, with their paper. */
    public enum Family {
        /** MobileNet (V1). */
        V1("MobileNetV1", "Howard et al., MobileNets: Efficient Convolutional Neural Networks for Mobile"
                + " Vision Applications, 2017, arXiv:1704.04861"),
        /** MobileNetV2. */
        V2("MobileNetV2", "Sandler et al., MobileNetV2: Inverted Residuals and Linear Bottlenecks,"
                + " CVPR 2018, arXiv:1801.04381"),
        /** MobileNetV3. */
        V3("MobileNetV3", "Howard et al., Searching for MobileNetV3, ICCV 2019, arXiv:1905.02244");

        private final String label;
        private final String paper;

        Family(String label, String paper) {
            this.label = label;
            this.paper = paper;
        }

        /**
         * Returns the family's label in the registry.
         *
         * @return the label
         */
        public String label() {
            return label;
        }
    }

    /** The default input size of every variant. */
    public static final int IMAGE_SIZE = 224;

    private final String modelName;
    private final Family family;
    private final long params;
    private final long macs;
    private final ModelFactory factory;

    MobileNetVariant(String modelName, Family family, long params, long macs, ModelFactory factory) {
        this.modelName = modelName;
        this.family = family;
        this.params = params;
        this.macs = macs;
        this.factory = factory;
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
     * Returns the generation.
     *
     * @return the family
     */
    public Family family() {
        return family;
    }

    /**
     * Builds the model for 3-channel input.
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
     * Returns the registry entry: 224x224 input, 1000 classes, 3 channels.
     *
     * @return the entry
     */
    public ModelSpec spec() {
        return new ModelSpec(modelName, family.label, IMAGE_SIZE, 1000, 3, params, macs, family.paper, factory);
    }
}
