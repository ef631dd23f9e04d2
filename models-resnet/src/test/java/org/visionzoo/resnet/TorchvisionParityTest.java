package org.visionzoo.resnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.testing.ModelChecks;
import org.visionzoo.core.testing.Tolerance;
import org.visionzoo.core.testing.TorchReference;
import org.visionzoo.core.testing.TorchReference.Fixture;
import org.visionzoo.core.testing.TorchReference.Options;
import org.visionzoo.core.weights.Weights;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Numerical parity with torchvision (and, for the CIFAR ResNets, with the paper's architecture in
 * PyTorch): torchref.py draws weights with non-trivial batch-norm statistics and an input (batch 2
 * to 8) and computes the logits; the Java model imports the weights strictly and must agree within
 * {@code |java - torch| <= 1e-4 + 1e-3 |torch|} in every memory order ({@link
 * ModelChecks#assertLogitsInEveryOrder}). The export round trip goes the other way: Java exports,
 * PyTorch loads with {@code strict=True} and must give the Java logits. Folding the batch norms
 * ({@code optimizeForInference}) must keep torchvision's logits.
 */
class TorchvisionParityTest {

    @TempDir Path dir;

    @ParameterizedTest
    @MethodSource("org.visionzoo.resnet.ResNetModelsTest#specs")
    void importedTorchWeightsGiveTorchLogitsAndExportRoundTrips(ModelSpec variant) throws IOException {
        boolean cifar = variant.imageSize() == 32;
        Options options =
                Options.defaults()
                        .withNumClasses(cifar ? 10 : 13)
                        .withSize(cifar ? 32 : 64, cifar ? 40 : 72)
                        .withBatch(2 + ResNetModelsTest.index(variant) % 7) // 2..8
                        .withSeed(ResNetModelsTest.index(variant) + 1);
        String name = variant.name();
        Fixture fixture = TorchReference.make(name, dir.resolve("torch"), options);
        assertThat(fixture.parameterCount()).as("torch parameter count").isPositive();
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = variant.create(options.numClasses());
            model.initialize(manager, 32);
            Weights.load(model, fixture.weights());
            NDArray input = manager.create(fixture.inputValues(), new Shape(fixture.inputShape()));
            float[] logits = ModelChecks.assertLogitsInEveryOrder(name, model, input, fixture.expectedLogits());

            Path exported = dir.resolve("java.safetensors");
            Weights.save(model, exported);
            Path torchOut = TorchReference.check(name, exported, fixture.input(), dir.resolve("roundtrip.npy"), options);
            Tolerance.assertLogitsClose(name + " round trip", TorchReference.readFloats(torchOut), logits);

            // Batch norms folded into the convolutions: still torchvision's logits.
            assertThat(model.optimizeForInference()).isSameAs(model);
            ModelChecks.assertLogitsInEveryOrder(name + " folded", model, input, fixture.expectedLogits());
        }
    }

    @Test
    void smallInputStemAndGrayscaleInputMatchTorchvision() throws IOException {
        Options options =
                Options.defaults().withNumClasses(10).withImageSize(28).withBatch(3).withSeed(7)
                        .withInChannels(1).withSmallInputStem(true);
        Fixture fixture = TorchReference.make("resnet18", dir, options);
        try (NDManager manager = NDManager.newBaseManager()) {
            ResNet model = ResNet.builder().layers(2, 2, 2, 2).block(ResNet.BlockType.BASIC)
                    .numClasses(10).inChannels(1).smallInputStem().build();
            model.initialize(manager, 28);
            Weights.load(model, fixture.weights());
            NDArray input = manager.create(fixture.inputValues(), new Shape(fixture.inputShape()));
            ModelChecks.assertLogitsInEveryOrder("resnet18 (1 channel, small stem)", model, input, fixture.expectedLogits());
        }
    }
}
