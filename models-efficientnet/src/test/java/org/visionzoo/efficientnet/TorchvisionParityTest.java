package org.visionzoo.efficientnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.BatchNormFolding;
import org.visionzoo.core.testing.ModelChecks;
import org.visionzoo.core.testing.Tolerance;
import org.visionzoo.core.testing.TorchReference;
import org.visionzoo.core.testing.TorchReference.Fixture;
import org.visionzoo.core.testing.TorchReference.Options;
import org.visionzoo.core.weights.Weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Numerical parity with torchvision for all eleven variants: torchref.py draws weights with
 * non-trivial batch-norm statistics and an input and computes the logits; the Java model imports
 * the weights strictly and must agree within {@code |java - torch| <= 1e-4 + 1e-3 |torch|}. The
 * export round trip goes the other way (Java exports, PyTorch loads with {@code strict=True}).
 *
 * <p>Inputs are small and odd-sized (a 32-52 px batch of 2 to 8, down to 1x1 or 2x2 in the last
 * stage) so that the eleven fixtures, 390M parameters in all, fit the module's time budget. Every
 * memory order is checked ({@link ModelChecks#assertLogitsInEveryOrder}). With 17 classes they
 * also check the output shapes of every variant on odd input sizes.
 */
class TorchvisionParityTest {

    @TempDir Path dir;

    // V2-L: seed 12, as torchvision's own float32 logits on it are within 0.14 of the tolerance of
    // its float64 ones (0.38 channels-last); at batch 2 seed 11 was at 0.50 (0.55), too close to
    // the edge for a second implementation.
    @ParameterizedTest(name = "{0} {2}x{3}x{4}")
    @CsvSource({
        "EFFICIENTNET_B0,   17, 8, 40, 48, 1",
        "EFFICIENTNET_B1,   17, 2, 33, 41, 2",
        "EFFICIENTNET_B2,   17, 2, 35, 35, 3",
        "EFFICIENTNET_B3,   17, 2, 48, 40, 4",
        "EFFICIENTNET_B4,   17, 3, 32, 39, 5",
        "EFFICIENTNET_B5,   17, 2, 37, 45, 6",
        "EFFICIENTNET_B6,   17, 2, 33, 33, 7",
        "EFFICIENTNET_B7,   17, 2, 32, 36, 8",
        "EFFICIENTNET_V2_S, 17, 2, 40, 52, 9",
        "EFFICIENTNET_V2_M, 17, 2, 36, 44, 10",
        "EFFICIENTNET_V2_L, 17, 2, 33, 41, 12"
    })
    void importedTorchWeightsGiveTorchLogits(
            EfficientNetVariant variant, int classes, int batch, int height, int width, long seed) throws IOException {
        Options options = Options.defaults().withNumClasses(classes).withSize(height, width).withBatch(batch).withSeed(seed);
        String name = variant.modelName();
        Fixture fixture = TorchReference.make(name, dir.resolve("torch"), options);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = variant.builder().numClasses(classes).build();
            model.initialize(manager, 32);
            Weights.load(model, fixture.weights());
            NDArray input = manager.create(fixture.inputValues(), new Shape(fixture.inputShape()));
            float[] expected = fixture.expectedLogits();
            float[] logits = ModelChecks.assertLogitsInEveryOrder(name, model, input, expected);
            report(name, logits, expected);
            assertThat(fixture.outputShape()).containsExactly(batch, classes);
            assertThat(logits).hasSize(batch * classes);
            // the torch count at 17 classes: the recorded 1000-class count less 983 classifier rows
            assertThat(fixture.parameterCount() + (1000L - classes) * (model.featureDim() + 1))
                    .as("torch parameter count of %s at 1000 classes", name)
                    .isEqualTo(variant.spec().params());
            if (variant != EfficientNetVariant.EFFICIENTNET_B0 && variant != EfficientNetVariant.EFFICIENTNET_V2_S) {
                return; // the strict import checked the same names; one fold and round trip per block kind
            }
            // every batch norm follows a convolution in a conv-norm-activation: all of them fold
            ImageClassifier folded = variant.builder().numClasses(classes).build().initialize(manager, 32);
            Weights.load(folded, fixture.weights());
            int norms = EfficientNetBuilderTest.count(folded, BatchNorm2d.class);
            assertThat(norms).isEqualTo(variant == EfficientNetVariant.EFFICIENTNET_B0 ? 49 : 110);
            assertThat(BatchNormFolding.fold(folded)).as("batch norms folded").isEqualTo(norms);
            ModelChecks.assertLogitsInEveryOrder(name + " folded", folded, input, expected);

            Path exported = dir.resolve("java.safetensors");
            Weights.save(model, exported);
            Path torchOut = TorchReference.check(name, exported, fixture.input(), dir.resolve("roundtrip.npy"), options);
            Tolerance.assertLogitsClose(name + " round trip", TorchReference.readFloats(torchOut), logits);
        }
    }

    @Test
    void grayscaleStemMatchesTorchvision() throws IOException {
        // torchref.py --in-channels 1 replaces torchvision's first convolution, features.0.0.
        // Seed 15: torchvision's own float32 logits on it are within 0.14 of the tolerance of its
        // float64 ones (contiguous or channels-last). Seed 12 was ill-conditioned at 28x28 (1.4x
        // the tolerance between torchvision's float32 and float64; 3.9x between its own
        // contiguous and channels-last runs), so any change of summation order failed it.
        Options options = Options.defaults().withNumClasses(10).withImageSize(28).withBatch(2).withSeed(15).withInChannels(1);
        Fixture fixture = TorchReference.make("efficientnet_b0", dir, options);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = EfficientNetVariant.EFFICIENTNET_B0.builder().numClasses(10).inChannels(1).build();
            model.initialize(manager, 28);
            Weights.load(model, fixture.weights());
            NDArray input = manager.create(fixture.inputValues(), new Shape(fixture.inputShape()));
            float[] logits = ModelChecks.assertLogitsInEveryOrder("efficientnet_b0 (1 channel)", model, input,
                    fixture.expectedLogits());
            report("efficientnet_b0 (1 channel)", logits, fixture.expectedLogits());
        }
    }

    /** One line per fixture with the largest error, for the record (surefire keeps stdout). */
    private static void report(String name, float[] actual, float[] expected) {
        double maxAbs = 0;
        double maxRatio = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            maxAbs = Math.max(maxAbs, d);
            maxRatio = Math.max(maxRatio, d / (Tolerance.DEFAULT_ATOL + Tolerance.DEFAULT_RTOL * Math.abs(expected[i])));
        }
        System.out.printf(Locale.ROOT, "parity %s: max |java - torch| = %.3g (%.2f of the tolerance)%n", name, maxAbs, maxRatio);
    }
}
