package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.visionzoo.core.testing.Tolerance;
import org.visionzoo.core.testing.TorchReference;
import org.visionzoo.core.testing.TorchReference.Fixture;
import org.visionzoo.core.testing.TorchReference.Options;

import java.nio.file.Path;

/**
 * The user's parity check end to end: torchvision writes weights, input and logits; {@code zoo
 * forward} must reproduce the logits, and {@code zoo export} must give a file PyTorch loads with
 * {@code strict=True}. Every row uses a fixture of its own (seed, size, class count), none of them the
 * one the model's module parity test uses, so this also checks weights the module tests never saw.
 * The EfficientNet rows were chosen after checking their conditioning: torchvision's own float32 and
 * float64 logits differ by at most a third of the tolerance on each of them.
 */
class ZooForwardParityTest {

    @TempDir Path dir;

    @ParameterizedTest
    @CsvSource({
        "resnet50, 11, 70, 90, 5",
        "resnext50_32x4d, 3, 65, 65, 9",
        "resnet20, 10, 32, 32, 2",
        "densenet121, 7, 61, 75, 21",
        "densenet161, 5, 64, 48, 22",
        "densenet169, 17, 57, 57, 23",
        "densenet201, 3, 40, 72, 24",
        "mobilenet_v2, 6, 72, 88, 13",
        "mobilenet_v3_small, 9, 80, 64, 17",
        "mobilenet_v3_large, 4, 64, 96, 19",
        "efficientnet_b0, 5, 48, 56, 31",
        "efficientnet_v2_s, 8, 40, 40, 32",
        "efficientnet_b1, 6, 48, 48, 33",
        "efficientnet_b2, 7, 56, 40, 34",
        "efficientnet_b3, 9, 40, 56, 35",
        "efficientnet_b4, 4, 64, 48, 36",
        "efficientnet_b5, 7, 40, 64, 43",
        "efficientnet_b6, 3, 56, 48, 38",
        "efficientnet_b7, 13, 40, 48, 39",
        "efficientnet_v2_m, 6, 48, 40, 40",
        "efficientnet_v2_l, 5, 40, 48, 41"
    })
    void zooForwardMatchesTorchvision(String model, int classes, int height, int width, long seed) {
        Options options = Options.defaults().withNumClasses(classes).withSize(height, width).withBatch(2).withSeed(seed);
        Fixture fx = TorchReference.make(model, dir.resolve("fx"), options);
        Path out = dir.resolve("java.npy");
        ZooTest.Result r =
                ZooTest.zoo("forward", "--model", model, "--num-classes", classes,
                        "--weights", fx.weights(), "--input", fx.input(), "--output", out);
        assertThat(r.status()).as("stderr: %s", r.err()).isZero();
        assertThat(r.err()).isEmpty();
        Tolerance.assertLogitsClose(model, TorchReference.readFloats(out), fx.expectedLogits());
        assertThat(TorchReference.readShape(out)).containsExactly(2, classes);

        Path exported = dir.resolve("export.safetensors");
        ZooTest.Result e = ZooTest.zoo("export", "--model", model, "--num-classes", classes, "--weights", fx.weights(), "--output", exported);
        assertThat(e.status()).as("stderr: %s", e.err()).isZero();
        Path torchOut = TorchReference.check(model, exported, fx.input(), dir.resolve("torch.npy"), options);
        Tolerance.assertLogitsClose(model + " via export", TorchReference.readFloats(torchOut), fx.expectedLogits());
    }
}
