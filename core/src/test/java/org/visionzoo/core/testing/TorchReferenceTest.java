package org.visionzoo.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.testing.TorchReference.Fixture;
import org.visionzoo.core.testing.TorchReference.Options;

/** Self-consistency of torchref.py and its harness, and the tolerance check. */
class TorchReferenceTest {

    private static final Options TINY_RESNET18 =
            Options.defaults().withImageSize(32).withBatch(1).withNumClasses(5);

    @Test
    void makeThenCheckGiveTheSameLogits(@TempDir Path dir) throws Exception {
        Fixture f = TorchReference.make("resnet18", dir, TINY_RESNET18);

        assertThat(f.weights()).isRegularFile().hasFileName("weights.safetensors");
        assertThat(f.input()).isRegularFile();
        assertThat(f.logits()).isRegularFile();
        // torchvision's resnet18 has 11,689,512 parameters at 1000 classes; fc is 512*1000+1000.
        assertThat(f.parameterCount()).isEqualTo(11_689_512L - 995L * 513L);
        assertThat(f.inputShape()).containsExactly(1, 3, 32, 32);
        assertThat(f.outputShape()).containsExactly(1, 5);
        assertThat(TorchReference.readShape(f.input())).containsExactly(1, 3, 32, 32);
        assertThat(f.inputValues()).hasSize(3 * 32 * 32);

        float[] expected = f.expectedLogits();
        assertThat(expected).hasSize(5);
        for (float v : expected) {
            assertThat(Float.isFinite(v)).isTrue();
        }

        Path out = TorchReference.check(
                "resnet18", f.weights(), f.input(), dir.resolve("check/logits.npy"), TINY_RESNET18);
        assertThat(out).isRegularFile();
        assertThat(TorchReference.readShape(out)).containsExactly(1, 5);
        Tolerance.assertAllClose(TorchReference.readFloats(out), expected);
        Tolerance.assertAllClose(TorchReference.readFloats(out), expected, 1e-6, 0);

        // The same seed reproduces the same files; make is deterministic.
        Fixture again = TorchReference.make("resnet18", dir.resolve("again"), TINY_RESNET18);
        assertThat(Files.mismatch(again.weights(), f.weights())).isEqualTo(-1L);
        assertThat(Files.mismatch(again.input(), f.input())).isEqualTo(-1L);

        // A strict load into a model of another shape fails, with the script's stderr.
        assertThatThrownBy(() -> TorchReference.check("resnet18", f.weights(), f.input(),
                        dir.resolve("bad.npy"), TINY_RESNET18.withNumClasses(6)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("torchref.py failed")
                .hasMessageContaining("check --model resnet18")
                .hasMessageContaining("size mismatch for fc.weight");
    }

    @Test
    void countsTheCifarResNet20() {
        assertThat(TorchReference.count("resnet20", Options.defaults().withNumClasses(10)))
                .isEqualTo(269_722L);
    }

    @Test
    void scriptIsExtractedOnce() {
        Path s = TorchReference.script();
        assertThat(s).isRegularFile();
        assertThat(TorchReference.script()).isEqualTo(s);
        assertThat(TorchReference.python().toString()).isNotBlank();
    }

    @Test
    void missingInterpreterFailsWithTheInstallHint() {
        withPython("/nonexistent/python3", () -> assertThatThrownBy(
                        () -> TorchReference.count("resnet20", Options.defaults()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("/nonexistent/python3")
                .hasMessageContaining("apt-get install python3-torchvision"));
    }

    @Test
    void interpreterWithoutTorchFailsWithTheInstallHint(@TempDir Path dir) throws Exception {
        // Stands in for a Python that lacks torch: fails the way the script's imports would.
        Path fake = dir.resolve("python3");
        Files.writeString(fake, "#!/bin/sh\n"
                + "echo 'Traceback (most recent call last):' >&2\n"
                + "echo \"ModuleNotFoundError: No module named 'torch'\" >&2\n"
                + "exit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        withPython(fake.toString(), () -> assertThatThrownBy(
                        () -> TorchReference.count("resnet20", Options.defaults()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("cannot import torch")
                .hasMessageContaining("apt-get install python3-torchvision"));
    }

    private static void withPython(String python, Runnable body) {
        String old = System.getProperty(TorchReference.PYTHON_PROPERTY);
        System.setProperty(TorchReference.PYTHON_PROPERTY, python);
        try {
            body.run();
        } finally {
            if (old == null) {
                System.clearProperty(TorchReference.PYTHON_PROPERTY);
            } else {
                System.setProperty(TorchReference.PYTHON_PROPERTY, old);
            }
        }
    }

    @Test
    void toleranceAcceptsCloseArrays() {
        Tolerance.assertAllClose(new float[] {1f, -2f, 0f}, new float[] {1.0009f, -2.001f, 5e-5f});
        Tolerance.assertAllClose(
                new float[] {Float.NaN, Float.POSITIVE_INFINITY},
                new float[] {Float.NaN, Float.POSITIVE_INFINITY}, 0, 0);
    }

    @Test
    void toleranceReportsTheWorstViolation() {
        assertThatThrownBy(() -> Tolerance.assertAllClose(
                        new float[] {1f, 2f, 3.5f, 10f}, new float[] {1f, 2.1f, 3f, 10f}, 1e-4, 1e-3))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("2 of 4 elements not close")
                .hasMessageContaining("worst at index 2")
                .hasMessageContaining("actual 3.5, expected 3.0")
                .hasMessageContaining("max abs diff 0.500000 at index 2");
    }

    @Test
    void logitToleranceGrowsWithTheLargestLogitOnly() {
        // resnet101 on an Intel host: 2.9e-4 off an element of 0.134 in a vector reaching 26
        float[] expected = {26f, 0.13412593f, -3f};
        Tolerance.assertLogitsClose("scaled", new float[] {26f, 0.13441728f, -3f}, expected);
        assertThatThrownBy(() -> Tolerance.assertAllClose(new float[] {26f, 0.13441728f, -3f}, expected))
                .isInstanceOf(AssertionError.class);
        // 1e-4 + 2e-5 * 26 + 1e-3 * 0.134 = 7.54e-4 is the most allowed there: a faulty kernel's
        // error (0.37 on logits of magnitude 4.3) or 1e-3 still fails
        assertThatThrownBy(() -> Tolerance.assertLogitsClose("scaled", new float[] {26f, 0.1351f, -3f}, expected))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 of 3 elements not close");
        assertThatThrownBy(() -> Tolerance.assertLogitsClose("small", new float[] {4.3f, 0.5f}, new float[] {4.3f, 0.13f}))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void toleranceTreatsNanMismatchAsViolation() {
        assertThatThrownBy(() -> Tolerance.assertAllClose(
                        new float[] {0f, Float.NaN}, new float[] {0f, 1f}))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 of 2 elements not close")
                .hasMessageContaining("worst at index 1")
                .hasMessageContaining("actual NaN, expected 1.0");
        assertThatThrownBy(() -> Tolerance.assertAllClose(new float[] {1f}, new float[] {1f, 2f}))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("length differs");
    }
}
