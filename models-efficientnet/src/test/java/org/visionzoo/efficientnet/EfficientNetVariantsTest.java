package org.visionzoo.efficientnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.ModelSummary;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.nn.InvertedResidual;
import org.visionzoo.core.nn.NamedBlock;
import org.visionzoo.core.testing.ModelChecks;
import org.visionzoo.core.weights.Weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every registered variant: counts, metadata, shapes; gradients; stochastic depth; memory. */
class EfficientNetVariantsTest {

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(EfficientNetVariant.class)
    void parameterCountAndMacsMatchTheRecordedFigures(EfficientNetVariant variant) {
        ModelSpec spec = variant.spec();
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = spec.create();
            model.initialize(manager, spec.imageSize());
            ModelSummary summary = ModelSummary.of(model, new Shape(1, 3, spec.imageSize(), spec.imageSize()));
            assertThat(summary.params()).as("parameters of %s", spec.name()).isEqualTo(spec.params());
            assertThat(summary.macs()).as("MACs of %s", spec.name()).isEqualTo(spec.macs());
        }
    }

    @Test
    void recordedFiguresAreTorchvisions() {
        // torchvision's num_params, and its GFLOPS (multiply-accumulates) at the weights' crop size
        long[] params = {5_288_548L, 7_794_184L, 9_109_994L, 12_233_232L, 19_341_616L, 30_389_784L,
            43_040_704L, 66_347_960L, 21_458_488L, 54_139_356L, 118_515_272L};
        String[] gmacs = {"0.39", "0.69", "1.09", "1.83", "4.39", "10.27", "19.07", "37.75", "8.37", "24.58", "56.08"};
        // crop_size / resize_size of the IMAGENET1K_V1 transforms
        int[][] sizes = {{224, 256}, {240, 256}, {288, 288}, {300, 320}, {380, 384}, {456, 456}, {528, 528},
            {600, 600}, {384, 384}, {480, 480}, {480, 480}};
        for (EfficientNetVariant v : EfficientNetVariant.values()) {
            ModelSpec spec = v.spec();
            assertThat(spec.params()).as(v.modelName()).isEqualTo(params[v.ordinal()]);
            assertThat(String.format(java.util.Locale.ROOT, "%.2f", spec.macs() / 1e9)).as(v.modelName()).isEqualTo(gmacs[v.ordinal()]);
            assertThat(new int[] {spec.imageSize(), spec.evalResize()}).as(v.modelName()).containsExactly(sizes[v.ordinal()]);
            assertThat(new int[] {v.imageSize(), v.evalResize()}).containsExactly(sizes[v.ordinal()]);
            assertThat(spec.family()).isEqualTo(v.isV2() ? "EfficientNetV2" : "EfficientNet");
            assertThat(spec.paper()).contains(v.isV2() ? "arXiv:2104.00298" : "arXiv:1905.11946");
            assertThat(spec.numClasses()).isEqualTo(1000);
        }
        assertThat(EfficientNetVariant.EFFICIENTNET_V2_M.scaling()).isEqualTo(new Scaling(1, 1, 480, 0.3));
        assertThat(EfficientNetVariant.EFFICIENTNET_B4.scaling()).isSameAs(Scaling.B4);
    }

    // One model per block kind: the parity test runs every variant on odd sizes with 17 classes.
    @ParameterizedTest
    @EnumSource(value = EfficientNetVariant.class, names = {"EFFICIENTNET_B0", "EFFICIENTNET_V2_S"})
    void oddSizesAndSeventeenClassesGiveTheRightShape(EfficientNetVariant variant) {
        Shape shape = new Shape(2, 3, 37, 51);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = variant.builder().numClasses(17).build();
            model.initialize(manager, 32);
            NDArray x = manager.randomNormal(shape);
            NDArray logits = Inference.logits(model, x);
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 17));
            assertThat(logits.isInfinite().any().getBoolean() || logits.isNaN().any().getBoolean()).isFalse();
            assertThat(model.getOutputShapes(new Shape[] {x.getShape()})[0]).isEqualTo(new Shape(2, 17));
            assertThat(Inference.features(model, x).getShape()).isEqualTo(new Shape(2, model.featureDim()));
        }
    }

    @Test
    void grayscaleAndTinyInputsWork() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = EfficientNetVariant.EFFICIENTNET_V2_S.builder().numClasses(17).inChannels(1).build();
            model.initialize(manager, 28);
            assertThat(Inference.logits(model, manager.randomNormal(new Shape(2, 1, 28, 28))).getShape()).isEqualTo(new Shape(2, 17));
            // every stride-2 layer pads: a 1x1 image stays 1x1 down to the classifier
            assertThat(Inference.logits(model, manager.randomNormal(new Shape(1, 1, 1, 1))).getShape()).isEqualTo(new Shape(1, 17));
        }
    }

    // One model per block kind, stochastic depth off: with a batch of 2 a block whose branch is
    // dropped for both samples (likely somewhere among 16-40 blocks) gets no gradient at all.
    @ParameterizedTest
    @EnumSource(value = EfficientNetVariant.class, names = {"EFFICIENTNET_B0", "EFFICIENTNET_V2_S"})
    void everyTrainableParameterGetsAGradient(EfficientNetVariant variant) {
        EfficientNet model = variant.builder().stochasticDepth(0).numClasses(5).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            model.initialize(manager, 32);
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray x = manager.randomNormal(new Shape(2, 3, 32, 32));
                NDArray logits = model.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                NDArray target = manager.randomNormal(logits.getShape());
                gc.backward(logits.sub(target).square().sum());
            }
            List<String> withoutGradient = new ArrayList<>();
            int trainable = 0;
            for (Pair<String, Parameter> p : model.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    trainable++;
                    if (p.getValue().getArray().getGradient().abs().max().getFloat() == 0f) {
                        withoutGradient.add(p.getKey());
                    }
                }
            }
            assertThat(trainable).isGreaterThan(100);
            assertThat(withoutGradient).as("parameters without gradient").isEmpty();
        }
    }

    @Test
    void stochasticDepthIsTheIdentityInEvaluationAndDropsWholeSamplesInTraining() throws IOException {
        // two blocks of 16 -> 16 channels: block 0 keeps its branch (probability 1.0 * 0 / 2),
        // block 1 drops it with probability 1.0 * 1 / 2 = 0.5
        EfficientNet dropping = EfficientNet.builder().stages(new MBConvStage(6, 3, 1, 16, 16, 2))
                .stochasticDepth(1.0).dropout(0).lastChannels(32).numClasses(3).build();
        EfficientNet plain = dropping.toBuilder().stochasticDepth(0).build();
        assertThat(EfficientNetBuilderTest.blockStochasticDepths(dropping)).containsExactly(0f, 0.5f);
        try (NDManager manager = NDManager.newBaseManager()) {
            dropping.initialize(manager, 8);
            plain.initialize(manager, 8);
            Path weights = dir.resolve("w.safetensors");
            Weights.save(dropping, weights);
            Weights.load(plain, weights);
            NDArray images = manager.randomNormal(new Shape(4, 3, 8, 8));

            // evaluation: deterministic and the same as without stochastic depth
            float[] eval = Inference.logits(dropping, images).toFloatArray();
            assertThat(Inference.logits(dropping, images).toFloatArray()).containsExactly(eval);
            assertThat(Inference.logits(plain, images).toFloatArray()).containsExactly(eval);

            Block block = block(dropping);
            Block reference = block(plain);
            assertThat(((InvertedResidual) block).hasResidual()).isTrue();
            int n = 64;
            NDArray x = manager.randomNormal(new Shape(n, 16, 4, 4));
            assertThat(Inference.forward(block, x).toFloatArray()).containsExactly(Inference.forward(reference, x).toFloatArray());

            // training: batch statistics make the branch deterministic, so out - x is, per sample,
            // either 0 (dropped) or branch / (1 - 0.5) (kept)
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray branch = reference.forward(ps, new NDList(x), true).singletonOrThrow().sub(x);
            float[][] branchRows = rows(branch, n);
            int trials = 20;
            int dropped = 0;
            double projected = 0;
            double norms = 0;
            for (int t = 0; t < trials; t++) {
                float[][] delta = rows(block.forward(ps, new NDList(x), true).singletonOrThrow().sub(x), n);
                for (int i = 0; i < n; i++) {
                    if (maxAbs(delta[i]) == 0f) {
                        dropped++;
                    } else {
                        for (int k = 0; k < delta[i].length; k++) {
                            assertThat(delta[i][k]).isCloseTo(2 * branchRows[i][k], within(1e-4f + 1e-4f * Math.abs(branchRows[i][k])));
                        }
                    }
                    projected += dot(delta[i], branchRows[i]);
                    norms += dot(branchRows[i], branchRows[i]);
                }
            }
            // 1280 independent draws at p = 0.5: 640 +- 18 dropped; the mean of out - x is the branch
            assertThat(dropped).as("dropped samples of %d", n * trials).isBetween(560, 720);
            assertThat(projected / norms).as("E[out - x] / branch").isBetween(0.875, 1.125);
        }
    }

    private static org.assertj.core.data.Offset<Float> within(float v) {
        return org.assertj.core.data.Offset.offset(v);
    }

    private static Block block(EfficientNet model) {
        return ((NamedBlock) ((NamedBlock) model.child("features")).child("1")).child("1");
    }

    private static float[][] rows(NDArray a, int n) {
        float[] flat = a.toFloatArray();
        int width = flat.length / n;
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * width, out[i], 0, width);
        }
        return out;
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void evaluationMemoryStaysFlatOverManyPasses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = EfficientNetVariant.EFFICIENTNET_B0.builder().numClasses(10).build();
            model.initialize(manager, 64);
            NDArray x = manager.randomNormal(new Shape(4, 3, 64, 64));
            ModelChecks.assertEvaluationMemoryFlat(model, x, 2, 8, 200 * 1024);
        }
    }

    @Test
    void theRegistryHasEveryVariantUnderItsName() {
        for (EfficientNetVariant v : EfficientNetVariant.values()) {
            ModelSpec spec = Models.spec(v.modelName());
            assertThat(spec.params()).isEqualTo(v.spec().params());
            assertThat(spec.evalResize()).isEqualTo(v.evalResize());
        }
        assertThat(Models.create("efficientnet_b0", 10).numClasses()).isEqualTo(10);
        assertThat(Models.spec("efficientnet_v2_l").imageSize()).isEqualTo(480);
        assertThat(Models.spec("efficientnet_b3").family()).isEqualTo("EfficientNet");
        assertThat(Models.spec("efficientnet_b1").create(4, 1).inChannels()).isEqualTo(1);
    }
}
