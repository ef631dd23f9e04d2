package org.visionzoo.efficientnet;

import org.visionzoo.core.model.ModelFamily;

import java.util.List;

/**
 * Every registered model of the family, as torchvision builds it: the registry name
 * (torchvision's), the stage table and scaling, the batch-norm settings, the default input size
 * and evaluation resize of torchvision's ImageNet weights ({@code crop_size} and {@code
 * resize_size} of each builder's {@code IMAGENET1K_V1} transforms), the parameter count at 1000
 * classes (torchvision's {@code num_params}) and the MACs of one image at the default input size.
 * Tests check the counts against the built models.
 *
 * <p>B2's paper resolution is 260 ({@link Scaling#B2}); torchvision evaluates its weights at a
 * 288 crop, which is the default input size here. EfficientNetV2-L's weights expect inputs
 * normalised with mean and std 0.5 (the others: ImageNet's mean and std).
 */
public enum EfficientNetVariant implements ModelFamily.Row {
    EFFICIENTNET_B0("efficientnet_b0", Scaling.B0, Norm.TORCH, 224, 256, 5_288_548L, 385_814_752L),
    EFFICIENTNET_B1("efficientnet_b1", Scaling.B1, Norm.TORCH, 240, 256, 7_794_184L, 686_802_832L),
    EFFICIENTNET_B2("efficientnet_b2", Scaling.B2, Norm.TORCH, 288, 288, 9_109_994L, 1_087_529_456L),
    EFFICIENTNET_B3("efficientnet_b3", Scaling.B3, Norm.TORCH, 300, 320, 12_233_232L, 1_827_141_392L),
    EFFICIENTNET_B4("efficientnet_b4", Scaling.B4, Norm.TORCH, 380, 384, 19_341_616L, 4_393_771_024L),
    EFFICIENTNET_B5("efficientnet_b5", Scaling.B5, Norm.TF, 456, 456, 30_389_784L, 10_266_384_752L),
    EFFICIENTNET_B6("efficientnet_b6", Scaling.B6, Norm.TF, 528, 528, 43_040_704L, 19_067_593_536L),
    EFFICIENTNET_B7("efficientnet_b7", Scaling.B7, Norm.TF, 600, 600, 66_347_960L, 37_745_884_192L),
    EFFICIENTNET_V2_S("efficientnet_v2_s", StageTables.EFFICIENTNET_V2_S, 0.2, 384, 384, 21_458_488L, 8_365_617_152L),
    EFFICIENTNET_V2_M("efficientnet_v2_m", StageTables.EFFICIENTNET_V2_M, 0.3, 480, 480, 54_139_356L, 24_582_460_384L),
    EFFICIENTNET_V2_L("efficientnet_v2_l", StageTables.EFFICIENTNET_V2_L, 0.4, 480, 480, 118_515_272L, 56_079_699_008L);

    /** The family label and paper of EfficientNet-B0 ... B7. */
    public static final String V1_FAMILY = "EfficientNet";

    /** The family label of EfficientNetV2. */
    public static final String V2_FAMILY = "EfficientNetV2";

    private static final String V1_PAPER =
            "Tan and Le, EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks,"
                    + " ICML 2019, arXiv:1905.11946";
    private static final String V2_PAPER =
            "Tan and Le, EfficientNetV2: Smaller Models and Faster Training, ICML 2021,"
                    + " arXiv:2104.00298";

    /** torchvision's {@code norm_layer} of each builder. */
    private enum Norm {
        /** nn.BatchNorm2d's defaults (B0-B4). */
        TORCH(1e-5f, 0.1f),
        /** The TensorFlow originals' settings, {@code eps=0.001, momentum=0.01} (B5-B7). */
        TF(1e-3f, 0.01f),
        /** {@code eps=1e-3}, PyTorch's momentum (V2). */
        TF_EPS(1e-3f, 0.1f);

        private final float eps;
        private final float momentum;

        Norm(float eps, float momentum) {
            this.eps = eps;
            this.momentum = momentum;
        }
    }

    private final ModelFamily.Variant variant;
    private final boolean v2;
    private final List<Stage> stages;
    private final Scaling scaling;
    private final Norm norm;

    /** An EfficientNet-B*: B0's table with the variant's compound scaling. */
    EfficientNetVariant(
            String modelName, Scaling scaling, Norm norm, int imageSize, int evalResize, long params, long macs) {
        this.variant = Families.V1.variant(modelName, imageSize, evalResize, params, macs);
        this.v2 = false;
        this.stages = StageTables.EFFICIENTNET_V1;
        this.scaling = scaling;
        this.norm = norm;
    }

    /** An EfficientNetV2: its own table, no multipliers, 1280 last channels, eps 1e-3. */
    EfficientNetVariant(
            String modelName, List<Stage> stages, double dropout, int imageSize, int evalResize, long params, long macs) {
        this.variant = Families.V2.variant(modelName, imageSize, evalResize, params, macs);
        this.v2 = true;
        this.stages = stages;
        this.scaling = new Scaling(1.0, 1.0, imageSize, dropout);
        this.norm = Norm.TF_EPS;
    }

    @Override
    public ModelFamily.Variant variant() {
        return variant;
    }

    /**
     * Returns whether this is an EfficientNetV2.
     *
     * @return true for V2-S, -M and -L
     */
    public boolean isV2() {
        return v2;
    }

    /**
     * Returns the family label, {@value #V1_FAMILY} or {@value #V2_FAMILY}.
     *
     * @return the label
     */
    public String family() {
        return v2 ? V2_FAMILY : V1_FAMILY;
    }

    /**
     * Returns the unscaled stage table.
     *
     * @return the table
     */
    public List<Stage> stages() {
        return stages;
    }

    /**
     * Returns the compound-scaling coefficients and dropout: the paper's for B0-B7; width and depth
     * 1 with the default input size for V2, whose tables are scaled by hand.
     *
     * @return the coefficients
     */
    public Scaling scaling() {
        return scaling;
    }

    /**
     * Returns every batch norm's epsilon.
     *
     * @return 1e-5 for B0-B4, 1e-3 for B5-B7 and V2
     */
    public float normEps() {
        return norm.eps;
    }

    /**
     * Returns every batch norm's momentum, in PyTorch's convention.
     *
     * @return 0.01 for B5-B7, 0.1 otherwise
     */
    public float normMomentum() {
        return norm.momentum;
    }

    /**
     * Returns the default input size, the centre crop torchvision evaluates the weights at.
     *
     * @return the size
     */
    public int imageSize() {
        return variant.imageSize();
    }

    /**
     * Returns the size the shorter image side is resized to before the centre crop.
     *
     * @return the resize size
     */
    public int evalResize() {
        return variant.evalResize();
    }

    /**
     * Returns a builder for this variant with 1000 classes and 3 input channels; further setters
     * may change any field.
     *
     * @return a builder
     */
    @Override
    public EfficientNet.Builder builder() {
        EfficientNet.Builder b = EfficientNet.builder()
                .stages(stages)
                .scaling(scaling)
                .stochasticDepth(0.2)
                .normEps(norm.eps)
                .normMomentum(norm.momentum);
        return v2 ? b.lastChannels(1280) : b.defaultLastChannels();
    }

    private static final class Families {
        static final ModelFamily V1 = new ModelFamily(V1_FAMILY, 224, 1000, V1_PAPER);
        static final ModelFamily V2 = new ModelFamily(V2_FAMILY, 384, 1000, V2_PAPER);

        private Families() {}
    }
}
