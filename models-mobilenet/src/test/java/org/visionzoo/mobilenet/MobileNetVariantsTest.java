package org.visionzoo.mobilenet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.ModelSummary;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.testing.ModelChecks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every registered variant: counts and MACs, the paper's figures, shapes, gradients; dropout; memory. */
class MobileNetVariantsTest {

    @TempDir Path dir;

    private static ModelSummary summary(ImageClassifier model, int size) {
        try (NDManager manager = NDManager.newBaseManager()) {
            model.initialize(manager, size);
            return ModelSummary.of(model, new Shape(1, model.inChannels(), size, size));
        }
    }

    @ParameterizedTest
    @EnumSource(MobileNetVariant.class)
    void parameterCountAndMacsMatchTheRecordedFigures(MobileNetVariant variant) {
        ModelSpec spec = variant.spec();
        ModelSummary summary = summary(spec.create(), spec.imageSize());
        assertThat(summary.params()).as("parameters of %s", spec.name()).isEqualTo(spec.params());
        assertThat(summary.macs()).as("MACs of %s", spec.name()).isEqualTo(spec.macs());
    }

    @Test
    void recordedFiguresRoundToThePublishedOnes() {
        // torchvision's num_params, and its GFLOPS (which are MACs) 0.30, 0.06, 0.22
        assertThat(MobileNetVariant.MOBILENET_V2.spec().params()).isEqualTo(3_504_872L);
        assertThat(MobileNetVariant.MOBILENET_V3_SMALL.spec().params()).isEqualTo(2_542_856L);
        assertThat(MobileNetVariant.MOBILENET_V3_LARGE.spec().params()).isEqualTo(5_483_032L);
        assertThat(Math.round(MobileNetVariant.MOBILENET_V2.spec().macs() / 1e7) / 100.0).isEqualTo(0.30);
        assertThat(Math.round(MobileNetVariant.MOBILENET_V3_SMALL.spec().macs() / 1e7) / 100.0).isEqualTo(0.06);
        assertThat(Math.round(MobileNetVariant.MOBILENET_V3_LARGE.spec().macs() / 1e7) / 100.0).isEqualTo(0.22);
        // Howard et al. 2017, tables 6 and 1: 4.2M / 569M, 2.6M / 325M, 1.3M / 149M, 0.5M / 41M
        assertThat(MobileNetVariant.MOBILENET_V1.spec().params()).isEqualTo(4_231_976L);
        assertPaperFigures(MobileNetVariant.MOBILENET_V1, 4.2, 569);
        assertPaperFigures(MobileNetVariant.MOBILENET_V1_075, 2.6, 325);
        assertPaperFigures(MobileNetVariant.MOBILENET_V1_050, 1.3, 149);
        assertPaperFigures(MobileNetVariant.MOBILENET_V1_025, 0.5, 41);
    }

    private static void assertPaperFigures(MobileNetVariant v, double millionParams, double millionMacs) {
        assertThat(Math.round(v.spec().params() / 1e5) / 10.0).as("%s parameters, millions", v).isEqualTo(millionParams);
        assertThat(v.spec().macs() / 1e6).as("%s MACs, millions", v).isCloseTo(millionMacs, within(millionMacs * 0.01));
    }

    @ParameterizedTest
    @ValueSource(ints = {192, 160, 128})
    void theResolutionMultiplierGivesThePapersMultAdds(int size) {
        // Howard et al. 2017, table 7: 1.0 MobileNet-192 / -160 / -128: 418M / 290M / 186M
        double paper = size == 192 ? 418 : size == 160 ? 290 : 186;
        MobileNetV1 model = MobileNetV1.builder().imageSize(size).build();
        assertThat(model.config().resolutionMultiplier()).isCloseTo(size / 224.0, within(1e-12));
        ModelSummary s = summary(model, model.config().imageSize());
        assertThat(s.params()).isEqualTo(4_231_976L);
        assertThat(s.macs() / 1e6).as("MACs at %d, millions", size).isCloseTo(paper, within(paper * 0.01));
    }

    @ParameterizedTest
    @EnumSource(MobileNetVariant.class)
    void oddSizesAndSeventeenClassesGiveTheRightShape(MobileNetVariant variant) {
        Shape shape = new Shape(2, 3, 97, 113);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = variant.builder().numClasses(17).build();
            model.initialize(manager, 64);
            NDArray x = manager.randomNormal(shape);
            NDArray logits = Inference.logits(model, x);
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 17));
            assertThat(logits.isInfinite().any().getBoolean() || logits.isNaN().any().getBoolean()).isFalse();
            assertThat(model.getOutputShapes(new Shape[] {shape})[0]).isEqualTo(new Shape(2, 17));
            // tiny inputs work too: every stride-2 stage rounds up (the V3 last stage sees 1x1)
            assertThat(Inference.logits(model, manager.randomNormal(new Shape(1, 3, 7, 5))).getShape())
                    .isEqualTo(new Shape(1, 17));
        }
    }

    @Test
    void grayscaleInputReplacesTheStemConvolutionOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (MobileNetVariant v : List.of(MobileNetVariant.MOBILENET_V1_025, MobileNetVariant.MOBILENET_V2,
                    MobileNetVariant.MOBILENET_V3_SMALL)) {
                ImageClassifier gray = Models.spec(v.modelName()).create(10, 1);
                gray.initialize(manager, 28);
                assertThat(gray.inChannels()).isEqualTo(1);
                assertThat(Inference.logits(gray, manager.randomNormal(new Shape(2, 1, 28, 28))).getShape())
                        .isEqualTo(new Shape(2, 10));
                ImageClassifier rgb = v.builder().numClasses(10).build();
                rgb.initialize(manager, 28);
                // the stem convolution's weight (out, in, 3, 3) is the only difference: 2 channels fewer
                long stem = org.visionzoo.core.weights.StateDict.parameters(rgb).get("features.0.0.weight")
                        .getArray().getShape().get(0);
                assertThat(ModelSummary.countParameters(rgb) - ModelSummary.countParameters(gray))
                        .isEqualTo(stem * 2 * 9);
            }
        }
    }

    // One model per code path: V1 (separable layers), V2 (MOBILENET_V2 layout, ReLU6), V3-Small and
    // -Large (block layout, SE, hard-swish, the two-layer classifier)
    @ParameterizedTest
    @EnumSource(value = MobileNetVariant.class, names = {"MOBILENET_V1_025", "MOBILENET_V2", "MOBILENET_V3_SMALL", "MOBILENET_V3_LARGE"})
    void everyTrainableParameterGetsAGradient(MobileNetVariant variant) {
        // 64x64: the last stage still sees a 2x2 map, so batch norms have more than one value per channel
        assertEveryParameterGetsAGradient(variant.builder().numClasses(5).build(), 64);
    }

    private static void assertEveryParameterGetsAGradient(ImageClassifier model, int size) {
        try (NDManager manager = NDManager.newBaseManager()) {
            model.initialize(manager, size);
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray x = manager.randomNormal(new Shape(2, 3, size, size));
                NDArray logits = model.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                NDArray target = manager.randomNormal(logits.getShape());
                gc.backward(logits.sub(target).square().sum());
            }
            List<String> withoutGradient = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                if (p.getValue().requiresGradient()
                        && p.getValue().getArray().getGradient().abs().max().getFloat() == 0f) {
                    withoutGradient.add(p.getKey());
                }
            }
            assertThat(withoutGradient).as("parameters without gradient").isEmpty();
        }
    }

    @Test
    void dropoutActsInTrainingOnly() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            MobileNetV3 dropping = MobileNetV3.builder().small().widthMultiplier(0.5).dropout(0.5).numClasses(10).build();
            dropping.initialize(manager, 32);
            MobileNetV3 plain = dropping.toBuilder().dropout(0).build();
            plain.initialize(manager, 32);
            NDArray x = manager.randomNormal(new Shape(4, 3, 32, 32));
            ModelChecks.assertDropoutActsInTrainingOnly(dropping, plain, x, dir.resolve("w.safetensors"));
        }
    }

    @Test
    void evaluationMemoryStaysFlatOverManyPasses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = MobileNetV3.builder().large().numClasses(10).build();
            model.initialize(manager, 64);
            // a leaked array shows in the managed-array count at once, a leak of the pass's
            // intermediates (some 10 MB a pass) in the resident size within a few passes
            NDArray x = manager.randomNormal(new Shape(2, 3, 64, 64));
            ModelChecks.assertEvaluationMemoryFlat(model, x, 2, 6, 100 * 1024);
        }
    }

    @Test
    void theRegistryHasEveryVariantUnderItsName() {
        for (MobileNetVariant v : MobileNetVariant.values()) {
            ModelSpec spec = Models.spec(v.modelName());
            assertThat(spec.params()).isEqualTo(v.spec().params());
            assertThat(spec.macs()).isEqualTo(v.spec().macs());
            assertThat(spec.imageSize()).isEqualTo(224);
            assertThat(spec.family()).isEqualTo(v.family().label());
        }
        assertThat(Models.spec("mobilenet_v1").paper()).contains("arXiv:1704.04861");
        assertThat(Models.spec("mobilenet_v2").paper()).contains("arXiv:1801.04381");
        assertThat(Models.spec("mobilenet_v3_small").paper()).contains("arXiv:1905.02244");
        assertThat(Models.create("mobilenet_v3_large", 10).numClasses()).isEqualTo(10);
        assertThat(((MobileNetV1) Models.create("mobilenet_v1_075")).config().widthMultiplier()).isEqualTo(0.75);
        assertThat(((MobileNetV3) Models.create("mobilenet_v3_small")).config().arch()).isEqualTo(MobileNetV3.Arch.SMALL);
    }
}
