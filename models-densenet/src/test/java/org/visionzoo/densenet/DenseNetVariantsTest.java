package org.visionzoo.densenet;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Every registered variant: counts, shapes, gradients; dropout; memory. */
class DenseNetVariantsTest {

    @TempDir Path dir;

    private static boolean cifar(DenseNetVariant variant) {
        return variant.spec().imageSize() == 32;
    }

    @ParameterizedTest
    @EnumSource(DenseNetVariant.class)
    void parameterCountAndMacsMatchTheRecordedFigures(DenseNetVariant variant) {
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
    void recordedFiguresRoundToThePublishedOnes() {
        // torchvision's num_params and GFLOPS (its "GFLOPS" are MACs) for the ImageNet models
        assertThat(DenseNetVariant.DENSENET121.spec().params()).isEqualTo(7_978_856L);
        assertThat(DenseNetVariant.DENSENET161.spec().params()).isEqualTo(28_681_000L);
        assertThat(DenseNetVariant.DENSENET169.spec().params()).isEqualTo(14_149_480L);
        assertThat(DenseNetVariant.DENSENET201.spec().params()).isEqualTo(20_013_928L);
        assertThat(ModelSummary.formatMacs(DenseNetVariant.DENSENET121.spec().macs())).isEqualTo("2.83 G");
        assertThat(ModelSummary.formatMacs(DenseNetVariant.DENSENET161.spec().macs())).isEqualTo("7.73 G");
        assertThat(ModelSummary.formatMacs(DenseNetVariant.DENSENET169.spec().macs())).isEqualTo("3.36 G");
        assertThat(ModelSummary.formatMacs(DenseNetVariant.DENSENET201.spec().macs())).isEqualTo("4.29 G");
        // Huang et al. 2017, table 2: 0.8M, 15.3M, 25.6M
        assertThat(millions(DenseNetVariant.DENSENET_BC_100_12)).isEqualTo(0.8);
        assertThat(millions(DenseNetVariant.DENSENET_BC_250_24)).isEqualTo(15.3);
        assertThat(millions(DenseNetVariant.DENSENET_BC_190_40)).isEqualTo(25.6);
    }

    private static double millions(DenseNetVariant v) {
        return Math.round(v.spec().params() / 1e5) / 10.0;
    }

    @ParameterizedTest
    @EnumSource(DenseNetVariant.class)
    void oddSizesAndSeventeenClassesGiveTheRightShape(DenseNetVariant variant) {
        // the ImageNet models at 97x113; the CIFAR ones (up to 9.3 GMACs an image at 32x32) at a
        // small odd size, 19x23 -> 9x11 -> 4x5 through their two transitions
        Shape shape = cifar(variant) ? new Shape(2, 3, 19, 23) : new Shape(2, 3, 97, 113);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = variant.builder().numClasses(17).build();
            model.initialize(manager, cifar(variant) ? 32 : 64);
            NDArray x = manager.randomNormal(shape);
            NDArray logits = Inference.logits(model, x);
            assertThat(logits.getShape()).isEqualTo(new Shape(shape.get(0), 17));
            assertThat(logits.isInfinite().any().getBoolean() || logits.isNaN().any().getBoolean()).isFalse();
            assertThat(model.getOutputShapes(new Shape[] {x.getShape()})[0]).isEqualTo(new Shape(shape.get(0), 17));
        }
    }

    @Test
    void smallInputStemTakes32x32AndGrayscale() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DenseNet model = DenseNet.builder().blockConfig(2, 2, 2, 2).smallInputStem().inChannels(1).numClasses(17).build();
            model.initialize(manager, 32);
            NDArray logits = Inference.logits(model, manager.randomNormal(new Shape(2, 1, 32, 32)));
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 17));
            ImageClassifier bc = DenseNetVariant.DENSENET_BC_100_12.builder().numClasses(17).inChannels(1).build();
            bc.initialize(manager, 32);
            assertThat(Inference.logits(bc, manager.randomNormal(new Shape(2, 1, 32, 32))).getShape()).isEqualTo(new Shape(2, 17));
        }
    }

    // One model per code path (ImageNet stem; CIFAR stem; dropout): the variants of a path differ
    // only in block counts and widths, and a training pass of each costs 10 to 20 s on 2 cores.
    @ParameterizedTest
    @EnumSource(value = DenseNetVariant.class, names = {"DENSENET121", "DENSENET_BC_100_12"})
    void everyTrainableParameterGetsAGradient(DenseNetVariant variant) {
        // small inputs keep the backward pass cheap; every layer still sees a spatial map (1x1 in
        // the ImageNet model's last block, 4x4 in the CIFAR model's)
        assertEveryParameterGetsAGradient(variant.builder().numClasses(5).build(), cifar(variant) ? 16 : 32);
    }

    @Test
    void everyTrainableParameterGetsAGradientWithDropout() {
        assertEveryParameterGetsAGradient(
                DenseNet.builder().blockConfig(2, 3, 2).growthRate(8).numInitFeatures(16).dropRate(0.2).numClasses(5).build(), 32);
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
            DenseNet dropping = DenseNet.bcBuilder(16, 12).dropRate(0.5).build();
            dropping.initialize(manager, 32);
            DenseNet plain = dropping.toBuilder().dropRate(0).build();
            plain.initialize(manager, 32);
            NDArray x = manager.randomNormal(new Shape(2, 3, 32, 32));
            ModelChecks.assertDropoutActsInTrainingOnly(dropping, plain, x, dir.resolve("w.safetensors"));
        }
    }

    @Test
    void evaluationMemoryStaysFlatOverManyPasses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = DenseNetVariant.DENSENET121.builder().numClasses(10).build();
            model.initialize(manager, 64);
            // each pass makes some 60 running concatenations and their bottleneck intermediates,
            // some 65 MB in all: a leaked array shows in the managed-array count at once, and a
            // leak of the pass's arrays in the resident size within a few passes
            NDArray x = manager.randomNormal(new Shape(4, 3, 64, 64));
            ModelChecks.assertEvaluationMemoryFlat(model, x, 2, 8, 300 * 1024);
        }
    }

    @Test
    void theRegistryHasEveryVariantUnderItsName() {
        for (DenseNetVariant v : DenseNetVariant.values()) {
            ModelSpec spec = Models.spec(v.modelName());
            assertThat(spec.params()).isEqualTo(v.spec().params());
            assertThat(spec.paper()).contains("arXiv:1608.06993");
        }
        assertThat(Models.create("densenet121", 10).numClasses()).isEqualTo(10);
        assertThat(Models.create("densenet_bc_100_12").numClasses()).isEqualTo(10);
        assertThat(Models.spec("densenet_bc_190_40").imageSize()).isEqualTo(32);
        assertThat(Models.spec("densenet161").family()).isEqualTo("DenseNet");
        assertThat(Models.spec("densenet169").create(4, 1).inChannels()).isEqualTo(1);
    }
}
