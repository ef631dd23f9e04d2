package org.visionzoo.resnet;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.ModelSummary;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.testing.ModelChecks;

import java.util.ArrayList;
import java.util.List;

/** Every registered variant: counts, shapes, gradients. */
class ResNetVariantsTest {

    @ParameterizedTest
    @MethodSource("org.visionzoo.resnet.ResNetModelsTest#specs")
    void parameterCountAndMacsMatchTheRecordedFigures(ModelSpec variant) {
        ModelSpec spec = variant;
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = spec.create();
            model.initialize(manager, spec.imageSize());
            ModelSummary summary = ModelSummary.of(model, new Shape(1, 3, spec.imageSize(), spec.imageSize()));
            assertThat(summary.params()).as("parameters of %s", spec.name()).isEqualTo(spec.params());
            assertThat(summary.macs()).as("MACs of %s", spec.name()).isEqualTo(spec.macs());
        }
    }

    @ParameterizedTest
    @MethodSource("org.visionzoo.resnet.ResNetModelsTest#specs")
    void oddSizesAndSeventeenClassesGiveTheRightShape(ModelSpec variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = variant.create(17);
            model.initialize(manager, 64);
            NDArray x = manager.randomNormal(new Shape(2, 3, 97, 113));
            NDArray logits = Inference.logits(model, x);
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 17));
            assertThat(logits.isInfinite().any().getBoolean() || logits.isNaN().any().getBoolean()).isFalse();
            assertThat(model.getOutputShapes(new Shape[] {x.getShape()})[0]).isEqualTo(new Shape(2, 17));
        }
    }

    @ParameterizedTest
    @MethodSource("org.visionzoo.resnet.ResNetModelsTest#specs")
    void everyTrainableParameterGetsAGradient(ModelSpec variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = variant.create(5);
            model.initialize(manager, 64);
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray x = manager.randomNormal(new Shape(2, 3, 64, 64));
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
    void zeroInitResidualZeroesTheLastBatchNormOfEveryBranch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ResNet bottleneck = ResNet.builder().layers(1, 1, 1, 1).zeroInitResidual(true).build();
            bottleneck.initialize(manager, 32);
            ResNet basic = ResNet.builder().layers(2, 1, 1, 1).block(ResNet.BlockType.BASIC).zeroInitResidual(true).build();
            basic.initialize(manager, 32);
            int zeroed = 0;
            for (var model : List.of(bottleneck, basic)) {
                for (var e : org.visionzoo.core.weights.StateDict.parameters(model).entrySet()) {
                    boolean last = e.getKey().endsWith(".bn3.weight") || (model == basic && e.getKey().endsWith(".bn2.weight"));
                    float max = e.getValue().getArray().abs().max().getFloat();
                    if (last) {
                        assertThat(max).as(e.getKey()).isZero();
                        zeroed++;
                    } else if (e.getKey().endsWith("bn1.weight")) {
                        assertThat(max).as(e.getKey()).isEqualTo(1f);
                    }
                }
            }
            assertThat(zeroed).isEqualTo(4 + 5);
        }
    }

    @Test
    void evaluationMemoryStaysFlatOverManyPasses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = ResNetVariant.RESNET50.builder().numClasses(10).build();
            model.initialize(manager, 64);
            // each pass of this batch makes ~250 MB of intermediates: any leak shows at once
            NDArray x = manager.randomNormal(new Shape(16, 3, 96, 96));
            ModelChecks.assertEvaluationMemoryFlat(model, x, 5, 40, 300 * 1024);
        }
    }

    @Test
    void theRegistryHasEveryVariantUnderItsTorchvisionName() {
        for (ModelSpec v : ResNetModelsTest.specs()) {
            ModelSpec spec = Models.spec(v.name());
            assertThat(spec.params()).isEqualTo(v.params());
        }
        assertThat(Models.create("resnet50", 10).numClasses()).isEqualTo(10);
        assertThat(Models.create("resnet20").numClasses()).isEqualTo(10);
        assertThat(Models.spec("resnet20").imageSize()).isEqualTo(32);
        assertThat(Models.spec("wide_resnet101_2").params()).isEqualTo(126_886_696L);
    }
}
