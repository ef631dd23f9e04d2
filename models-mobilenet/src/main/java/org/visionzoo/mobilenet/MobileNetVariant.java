package org.visionzoo.mobilenet;

import org.visionzoo.core.model.ClassifierBuilder;
import org.visionzoo.core.model.ModelFamily;

import java.util.function.Supplier;

/**
 * Every registered MobileNet, one row each: the registry name (torchvision's for V2 and V3), the
 * architecture (generation and settings), the parameter count at 1000 classes (torchvision's
 * {@code num_params} for V2 and V3; for V1 the paper's architecture counted as PyTorch counts) and
 * the multiply-accumulates of one 224x224 image. Tests check both against the built models.
 *
 * <pre>{@code
 * ImageClassifier v3 = MobileNetVariant.MOBILENET_V3_LARGE.builder().numClasses(10).build();
 * MobileNetV3 custom = MobileNetV3.builder().small().widthMultiplier(0.75).build();
 * }</pre>
 */
public enum MobileNetVariant implements ModelFamily.Row {
    MOBILENET_V1("mobilenet_v1", Family.V1, 4_231_976L, 568_740_352L, MobileNetV1::builder),
    MOBILENET_V1_075("mobilenet_v1_075", Family.V1, 2_585_560L, 325_400_448L, () -> MobileNetV1.builder().widthMultiplier(0.75)),
    MOBILENET_V1_050("mobilenet_v1_050", Family.V1, 1_331_592L, 149_497_088L, () -> MobileNetV1.builder().widthMultiplier(0.5)),
    MOBILENET_V1_025("mobilenet_v1_025", Family.V1, 470_072L, 41_030_272L, () -> MobileNetV1.builder().widthMultiplier(0.25)),
    MOBILENET_V2("mobilenet_v2", Family.V2, 3_504_872L, 300_774_272L, MobileNetV2::builder),
    MOBILENET_V3_SMALL("mobilenet_v3_small", Family.V3, 2_542_856L, 56_510_400L, () -> MobileNetV3.builder().small()),
    MOBILENET_V3_LARGE("mobilenet_v3_large", Family.V3, 5_483_032L, 216_589_760L, () -> MobileNetV3.builder().large());

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

        private final ModelFamily family;

        Family(String label, String paper) {
            this.family = new ModelFamily(label, IMAGE_SIZE, 1000, paper);
        }

        /**
         * Returns the family's label in the registry.
         *
         * @return the label
         */
        public String label() {
            return family.label();
        }
    }

    /** The default input size of every variant. */
    public static final int IMAGE_SIZE = 224;

    private final Family family;
    private final ModelFamily.Variant variant;
    private final Supplier<? extends ClassifierBuilder<?>> preset;

    MobileNetVariant(
            String modelName, Family family, long params, long macs, Supplier<? extends ClassifierBuilder<?>> preset) {
        this.family = family;
        this.variant = family.family.variant(modelName, params, macs);
        this.preset = preset;
    }

    @Override
    public ModelFamily.Variant variant() {
        return variant;
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
     * Returns a new builder with this variant's architecture, 1000 classes and 3 input channels:
     * a {@link MobileNetV1.Builder}, {@link MobileNetV2.Builder} or {@link MobileNetV3.Builder}
     * after the {@linkplain #family() generation}.
     *
     * @return the builder
     */
    @Override
    public ClassifierBuilder<?> builder() {
        return preset.get();
    }
}
