package org.visionzoo.mobilenet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.nn.BatchNormFolding;
import org.visionzoo.core.model.ModelSummary;
import org.visionzoo.core.testing.ModelChecks;
import org.visionzoo.core.testing.Tolerance;
import org.visionzoo.core.testing.TorchReference;
import org.visionzoo.core.testing.TorchReference.Fixture;
import org.visionzoo.core.testing.TorchReference.Options;
import org.visionzoo.core.weights.Weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Numerical parity with torchvision's MobileNetV2 and V3 (and, for V1, with the paper's
 * architecture written in PyTorch in torchref.py): torchref.py draws weights with non-trivial
 * batch-norm statistics and an input and computes the logits; the Java model imports the weights
 * strictly and must agree within {@code |java - torch| <= 1e-4 + 1e-3 |torch|}. Several seeds,
 * class counts, input sizes, widths and the V3 tail options; the export round trip goes the other
 * way (Java exports, PyTorch loads with {@code strict=True} and must give the Java logits).
 */
class TorchvisionParityTest {

    @TempDir Path dir;

    /**
     * @param torchName the model for torchref.py
     * @param model the Java model
     * @param size input height (width = height + 8)
     * @param seed torch seed
     * @param roundTrip whether to export and check in PyTorch too
     */
    private record Case(String torchName, ImageClassifier model, int size, int seed, boolean roundTrip) {
        @Override
        public String toString() {
            return torchName + " " + model.numClasses() + " classes, " + model.inChannels() + " ch, " + size
                    + "x" + (size + 8) + ", seed " + seed;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("mobilenet_v2", MobileNetV2.builder().numClasses(13).build(), 64, 1, true),
                new Case("mobilenet_v2", MobileNetV2.builder().numClasses(1000).build(), 81, 2, false),
                new Case("mobilenet_v2_w050", MobileNetV2.builder().widthMultiplier(0.5).numClasses(7).build(), 64, 3, false),
                new Case("mobilenet_v3_small", MobileNetV3.builder().small().numClasses(13).build(), 64, 4, true),
                new Case("mobilenet_v3_small", MobileNetV3.builder().small().numClasses(1000).build(), 96, 5, false),
                new Case("mobilenet_v3_small_w075_reduced_tail",
                        MobileNetV3.builder().small().widthMultiplier(0.75).reducedTail().numClasses(5).build(), 72, 6, false),
                new Case("mobilenet_v3_large", MobileNetV3.builder().large().numClasses(13).build(), 64, 7, true),
                new Case("mobilenet_v3_large", MobileNetV3.builder().large().numClasses(1000).build(), 89, 8, false),
                new Case("mobilenet_v3_large_w125_dilated",
                        MobileNetV3.builder().large().widthMultiplier(1.25).dilated().numClasses(3).build(), 64, 9, false),
                new Case("mobilenet_v1", MobileNetV1.builder().numClasses(11).build(), 64, 10, true),
                new Case("mobilenet_v1_025", MobileNetV1.builder().widthMultiplier(0.25).numClasses(1000).build(), 67, 11, false))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void importedTorchWeightsGiveTorchLogits(Case c) throws IOException {
        assertParity(c, Options.defaults());
    }

    static Stream<Arguments> grayscale() {
        return Stream.of(
                new Case("mobilenet_v2", MobileNetV2.builder().inChannels(1).numClasses(10).build(), 28, 21, false),
                new Case("mobilenet_v3_small", MobileNetV3.builder().small().inChannels(1).numClasses(10).build(), 28, 22, false),
                new Case("mobilenet_v1_050", MobileNetV1.builder().widthMultiplier(0.5).inChannels(1).numClasses(10).build(), 28, 23, false))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grayscale")
    void grayscaleStemsMatchTorch(Case c) throws IOException {
        assertParity(c, Options.defaults().withInChannels(1));
    }

    private void assertParity(Case c, Options base) throws IOException {
        Options options = base.withNumClasses(c.model().numClasses()).withSize(c.size(), c.size() + 8)
                .withBatch(2 + c.seed() % 7) // 2..8
                .withSeed(c.seed());
        Fixture fixture = TorchReference.make(c.torchName(), dir.resolve("torch"), options);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = c.model();
            model.initialize(manager, 64);
            assertThat(ModelSummary.countParameters(model)).as("parameters").isEqualTo(fixture.parameterCount());
            Weights.load(model, fixture.weights());
            NDArray input = manager.create(fixture.inputValues(), new Shape(fixture.inputShape()));
            float[] logits = ModelChecks.assertLogitsInEveryOrder(c.toString(), model, input, fixture.expectedLogits());
            if (c.roundTrip()) {
                Path exported = dir.resolve("java.safetensors");
                Weights.save(model, exported);
                Path torchOut = TorchReference.check(c.torchName(), exported, fixture.input(), dir.resolve("roundtrip.npy"), options);
                Tolerance.assertLogitsClose(c + " round trip", TorchReference.readFloats(torchOut), logits);
            }
            // Batch norms folded into the convolutions: still torchvision's logits.
            assertThat(BatchNormFolding.fold(model)).as("folded batch norms").isPositive();
            ModelChecks.assertLogitsInEveryOrder(c + " folded", model, input, fixture.expectedLogits());
        }
    }
}
