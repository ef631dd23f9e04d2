package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.visionzoo.core.testing.PthFixtures;
import org.visionzoo.core.testing.Tolerance;
import org.visionzoo.core.testing.TorchReference;
import org.visionzoo.core.testing.TorchReference.Fixture;
import org.visionzoo.core.testing.TorchReference.Options;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code zoo forward --weights X.pth} on files written by Debian's {@code torch.save(
 * model.state_dict())}, one model per family plus a DenseNet file with torchvision's old keys
 * ({@code norm.1}), in the zip format and in the legacy one (torch before 1.6), and a training checkpoint that wraps the state dict: the logits must be
 * torchvision's, and the renames and the checkpoint key must be reported.
 */
class ZooForwardPthTest {

    private static final int CLASSES = 7;

    @TempDir static Path dir;

    private static final Map<String, Fixture> FIXTURES = new HashMap<>();

    @BeforeAll
    static void writePthFiles() {
        List<PthFixtures.Job> jobs = new ArrayList<>();
        long seed = 51;
        for (String model : List.of("resnet18", "densenet121", "mobilenet_v3_small", "efficientnet_b0")) {
            Options options = Options.defaults().withNumClasses(CLASSES).withSize(48, 40).withBatch(2).withSeed(seed++);
            Fixture fx = TorchReference.make(model, dir.resolve(model), options);
            FIXTURES.put(model, fx);
            if (!model.startsWith("densenet")) { // DenseNet: only the files with old keys, below
                jobs.add(new PthFixtures.Job(model, CLASSES, fx.weights(), dir.resolve(model + ".pth"), ""));
            }
        }
        jobs.add(new PthFixtures.Job("densenet121", CLASSES, FIXTURES.get("densenet121").weights(),
                dir.resolve("densenet121-legacy-keys.pth"), "legacy"));
        jobs.add(new PthFixtures.Job("densenet121", CLASSES, FIXTURES.get("densenet121").weights(),
                dir.resolve("densenet121-legacy-format.pth"), "old"));
        jobs.add(new PthFixtures.Job("resnet18", CLASSES, FIXTURES.get("resnet18").weights(),
                dir.resolve("resnet18-checkpoint.pth"), "wrapped"));
        PthFixtures.convert(jobs);
    }

    @ParameterizedTest
    @CsvSource(quoteCharacter = '"', value = {
        "resnet18, resnet18.pth, -",
        "resnet18, resnet18-checkpoint.pth, weights from the checkpoint's 'model'",
        "densenet121, densenet121-legacy-keys.pth, keys renamed as torchvision does"
                + " (features.denseblock1.denselayer1.norm.1.weight -> features.denseblock1.denselayer1.norm1.weight",
        "densenet121, densenet121-legacy-format.pth, keys renamed as torchvision does",
        "mobilenet_v3_small, mobilenet_v3_small.pth, -",
        "efficientnet_b0, efficientnet_b0.pth, -"
    })
    void zooForwardOnAPthGivesTorchvisionsLogits(String model, String file, String note) {
        // note: what the command must print about the file, "-" for nothing
        Fixture fx = FIXTURES.get(model);
        Path out = dir.resolve(file + ".npy");
        ZooTest.Result r = ZooTest.zoo("forward", "--model", model, "--num-classes", CLASSES,
                "--weights", dir.resolve(file), "--input", fx.input(), "--output", out);
        assertThat(r.status()).as("stderr: %s", r.err()).isZero();
        Tolerance.assertAllClose(file, TorchReference.readFloats(out), fx.expectedLogits());
        if (note.equals("-")) {
            assertThat(r.out()).doesNotContain("renamed").doesNotContain("checkpoint");
        } else {
            assertThat(r.out()).contains(note);
        }
    }

    @Test
    void aPthThatWouldRunACommandIsRefusedAndNothingRuns() throws IOException {
        Path marker = dir.resolve("pwned");
        ByteArrayOutputStream pkl = new ByteArrayOutputStream();
        pkl.writeBytes(new byte[] {(byte) 0x80, 2});
        pkl.writeBytes("cposix\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        byte[] command = ("touch " + marker).getBytes(StandardCharsets.UTF_8);
        pkl.write('X');
        pkl.writeBytes(new byte[] {(byte) command.length, 0, 0, 0});
        pkl.writeBytes(command);
        pkl.writeBytes(new byte[] {(byte) 0x85, 'R', '.'});
        Path evil = PthFixtures.storedZip(dir.resolve("evil.pth"), Map.of("archive/data.pkl", pkl.toByteArray(),
                "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)));
        Fixture fx = FIXTURES.get("resnet18");
        ZooTest.Result r = ZooTest.zoo("forward", "--model", "resnet18", "--num-classes", CLASSES,
                "--weights", evil, "--input", fx.input(), "--output", dir.resolve("evil.npy"));
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains(evil.toString()).contains("global 'posix.system' is not allowed");
        assertThat(marker).doesNotExist();
        assertThat(dir.resolve("evil.npy")).doesNotExist();
    }
}
