package org.visionzoo.densenet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.nn.BatchNormFolding;
import org.visionzoo.core.testing.ModelChecks;
import org.visionzoo.core.testing.Tolerance;
import org.visionzoo.core.testing.TorchReference;
import org.visionzoo.core.testing.TorchReference.Fixture;
import org.visionzoo.core.testing.TorchReference.Options;
import org.visionzoo.core.weights.Weights;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Numerical parity with torchvision (and, for DenseNet-BC, with the paper's architecture built from
 * torchvision's DenseNet class in torchref.py): torchref.py draws weights with non-trivial
 * batch-norm statistics and an input (batch 2 to 6) and computes the logits; in every memory order
 * ({@link ModelChecks#assertLogitsInEveryOrder}) the Java model imports the weights
 * strictly and must agree within {@code |java - torch| <= 1e-4 + 1e-3 |torch|}. The export round
 * trip goes the other way: Java exports, PyTorch loads with {@code strict=True} and must give the
 * Java logits.
 */
class TorchvisionParityTest {

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(
            value = DenseNetVariant.class,
            names = {"DENSENET121", "DENSENET161", "DENSENET169", "DENSENET201", "DENSENET_BC_100_12"})
    void importedTorchWeightsGiveTorchLogitsAndExportRoundTrips(DenseNetVariant variant) throws IOException {
        boolean cifar = variant.spec().imageSize() == 32;
        Options options =
                Options.defaults()
                        .withNumClasses(cifar ? 10 : 13)
                        .withSize(cifar ? 32 : 64, cifar ? 40 : 72)
                        .withBatch(2 + variant.ordinal() % 7) // 2..6
                        .withSeed(variant.ordinal() + 1);
        String name = variant.modelName();
        Fixture fixture = TorchReference.make(name, dir.resolve("torch"), options);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = variant.builder().numClasses(options.numClasses()).build();
            model.initialize(manager, 32);
            if (cifar) {
                assertThat(fixture.parameterCount()).as("torch parameter count").isEqualTo(variant.spec().params());
            }
            Weights.load(model, fixture.weights());
            NDArray input = manager.create(fixture.inputValues(), new Shape(fixture.inputShape()));
            float[] logits = ModelChecks.assertLogitsInEveryOrder(name, model, input, fixture.expectedLogits());
            if (variant == DenseNetVariant.DENSENET121 || variant == DenseNetVariant.DENSENET_BC_100_12) {
                // Batch norms folded into the convolutions (each bottleneck's norm2): still the same.
                ImageClassifier folded = variant.builder().numClasses(options.numClasses()).build().initialize(manager, 32);
                Weights.load(folded, fixture.weights());
                assertThat(BatchNormFolding.fold(folded))
                        .as("one fold per dense layer (its norm2), plus the ImageNet stem's norm0")
                        .isEqualTo(variant == DenseNetVariant.DENSENET121 ? 58 + 1 : 48);
                ModelChecks.assertLogitsInEveryOrder(name + " folded", folded, input, fixture.expectedLogits());
            }
            if (variant != DenseNetVariant.DENSENET121 && variant != DenseNetVariant.DENSENET_BC_100_12) {
                return; // the strict import above checked the same names; one round trip per stem
            }

            Path exported = dir.resolve("java.safetensors");
            Weights.save(model, exported);
            Path torchOut = TorchReference.check(name, exported, fixture.input(), dir.resolve("roundtrip.npy"), options);
            Tolerance.assertLogitsClose(name + " round trip", TorchReference.readFloats(torchOut), logits);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DenseNetVariant.class, names = {"DENSENET_BC_250_24", "DENSENET_BC_190_40"})
    void torchCountsOfTheLargerBcModelsEqualTheRecordedCounts(DenseNetVariant variant) {
        // the parity test above checks densenet_bc_100_12's count; ImageNet counts are torchvision's
        assertThat(TorchReference.count(variant.modelName(), Options.defaults()))
                .as("torch parameter count of %s", variant.modelName())
                .isEqualTo(variant.spec().params());
    }

    @Test
    void smallInputStemAndGrayscaleInputMatchTorchvision() throws IOException {
        Options options =
                Options.defaults().withNumClasses(10).withImageSize(28).withBatch(2).withSeed(7)
                        .withInChannels(1).withSmallInputStem(true);
        Fixture fixture = TorchReference.make("densenet121", dir, options);
        try (NDManager manager = NDManager.newBaseManager()) {
            DenseNet model = DenseNetVariant.DENSENET121.builder().numClasses(10).build().toBuilder().inChannels(1).smallInputStem().build();
            model.initialize(manager, 28);
            Weights.load(model, fixture.weights());
            NDArray input = manager.create(fixture.inputValues(), new Shape(fixture.inputShape()));
            ModelChecks.assertLogitsInEveryOrder("densenet121 (1 channel, small stem)", model, input, fixture.expectedLogits());
        }
    }
}
