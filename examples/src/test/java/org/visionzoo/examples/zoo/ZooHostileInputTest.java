package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.visionzoo.examples.zoo.ZooTest.assertOneLineError;
import static org.visionzoo.examples.zoo.ZooTest.zoo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.visionzoo.core.io.SafeTensors;
import org.visionzoo.core.io.TensorData;
import org.visionzoo.core.io.TensorFile;
import org.visionzoo.core.testing.HostileFiles;
import org.visionzoo.examples.zoo.ZooTest.Result;
import org.visionzoo.training.loop.Checkpoint;
import org.visionzoo.training.report.MetricsLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Broken options, paths and files given to {@code zoo}: a clear error, nothing lost. */
class ZooHostileInputTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"train", "eval", "predict", "bench", "demo", "forward", "export", "doctor"})
    void helpWorksOnEveryCommandDespiteRequiredOptions(String command) {
        Result r = zoo(command, "--help");
        assertThat(r.status()).as("exit status; stderr %s", r.err()).isZero();
        assertThat(r.out()).contains("Usage: zoo " + command + " ");
    }

    @Test
    void anEmptyOrDirectoryOutputIsAUsageError() throws IOException {
        Path weights = export("w.safetensors");
        Path input = writeInput();
        assertOneLineError(zoo("forward", "--model", "resnet20", "--weights", weights, "--input", input, "--output="),
                2, "--output needs a file name, got an empty one");
        assertOneLineError(zoo("forward", "--model", "resnet20", "--weights", weights, "--input", input, "--output", tmp),
                2, "--output " + tmp + " is a directory; give a file name");
    }

    @Test
    void anOutputUnderAFileNamesBothPaths() throws IOException {
        Path weights = export("some.safetensors");
        Path target = weights.resolve("o.npy");
        assertOneLineError(zoo("forward", "--model", "resnet20", "--weights", weights, "--input", writeInput(),
                "--output", target), 1, target.toString(), "cannot write here: " + weights + " is a file, not a directory");
        assertOneLineError(zoo("train", "--model", "resnet20", "--dataset", "fashion-mnist", "--out", weights),
                2, "--out " + weights + ": is a file, not a directory");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void writingToADeviceWritesThroughAndKeepsTheDevice() throws IOException {
        Result r = zoo("forward", "--model", "resnet20", "--weights", export("w.safetensors"), "--input", writeInput(),
                "--output", "/dev/null");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.isRegularFile(Path.of("/dev/null"))).isFalse();
        assertThat(Files.exists(Path.of("/dev/null"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--weight-decay=Infinity", "--mixup=Infinity", "--cutmix=NaN", "--grad-clip=Infinity"})
    void nonFiniteOptionsAreUsageErrorsBeforeAnyDataIsRead(String option) {
        // the dataset does not exist: the option must be refused before anything looks for it
        Result r = zoo("train", "--model", "resnet20", "--dataset", "folder:" + tmp.resolve("nowhere"), option,
                "--out", tmp.resolve("run"));
        assertOneLineError(r, 2, option.substring(0, option.indexOf('=')));
        assertThat(r.err()).doesNotContain("nowhere");
    }

    @Test
    void predictRefusesADecompressionBombAtOnceAndTheLimitCanBeRaised() throws IOException {
        Path bomb = HostileFiles.bombPng(tmp.resolve("bomb.png"), 40_000, 40_000);
        Path weights = export("w.safetensors");
        long start = System.nanoTime();
        assertOneLineError(zoo("predict", "--model", "resnet20", "--weights", weights, bomb), 1,
                "bomb.png", "1,600,000,000 pixels, more than the limit of 89,478,485");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(5);
        assertOneLineError(zoo("predict", "--model", "resnet20", "--weights", weights, "--max-image-pixels", 0, bomb), 2,
                "--max-image-pixels must be > 0, got 0");
    }

    @Test
    void resumeRefusesChangedOptionsRestoresALostEpochAndRefusesAnAlteredStep() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--epochs", 1).status()).isZero();
        Path metrics = run.resolve("metrics.jsonl");
        String epoch1 = Files.readString(metrics);

        // a kill between the checkpoint's rename and the log's rewrite: the log lacks the epoch
        Files.writeString(metrics, "");
        assertOneLineError(train(run, "--epochs", 2, "--momentum", 0.5, "--resume"), 2,
                "--epochs 2 (the run's: 1)", "--momentum 0.5 (the run's: 0.9)");
        Result resumed = train(run, "--epochs", 2, "--resume", "--accept-changes");
        assertThat(resumed.status()).as(resumed.err()).isZero();
        assertThat(MetricsLog.read(metrics)).extracting(r -> r.epoch()).containsExactly(1, 2);
        assertThat(Files.readString(metrics)).startsWith(epoch1);

        // a checkpoint whose step lies beyond the run's steps is refused, not followed
        alterState(run.resolve(Checkpoint.FILE), "\"globalStep\":", "\"globalStep\":99999,\"_was\":");
        assertOneLineError(train(run, "--epochs", 3, "--resume", "--accept-changes"), 1,
                "global step 99999 is beyond this run's");
    }

    @Test
    void predictFromACheckpointLeavesNoTemporaryFile() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--epochs", 1).status()).isZero();
        Path png = tmp.resolve("x.png");
        ZooTrainTest.writeGray(new byte[28 * 28], 28, png);
        List<Path> before = temporaries();
        Result r = zoo("predict", "--weights", run.resolve(Checkpoint.FILE), "--model", "resnet20", "--num-classes", 10, png);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(temporaries()).containsExactlyInAnyOrderElementsOf(before);
    }

    private static List<Path> temporaries() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("visionzoo-weights")).toList();
        }
    }

    private Result train(Path out, Object... extra) {
        List<Object> args = new ArrayList<>(List.of("train", "--model", "resnet20", "--dataset", "fashion-mnist",
                "--limit", 256, "--val-limit", 128, "--batch-size", 64, "--lr", 0.1, "--seed", 3, "--quiet", "--out", out));
        args.addAll(List.of(extra));
        return zoo(args.toArray());
    }

    /** Rewrites the checkpoint's state JSON with a textual replacement, keeping its tensors. */
    private static void alterState(Path checkpoint, String find, String replace) throws IOException {
        List<TensorData> tensors = new ArrayList<>();
        Map<String, String> metadata;
        try (TensorFile tf = SafeTensors.read(checkpoint)) {
            for (String name : tf.names()) {
                TensorData t = tf.get(name);
                java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(t.data().remaining());
                copy.put(t.data().duplicate()).flip();
                tensors.add(TensorData.of(t.name(), t.dtype(), t.shape(), copy));
            }
            metadata = new LinkedHashMap<>(tf.metadata());
        }
        String state = metadata.get(Checkpoint.METADATA_KEY);
        assertThat(state).contains(find);
        JsonObject o = JsonParser.parseString(state.replace(find, replace)).getAsJsonObject();
        o.remove("_was");
        metadata.put(Checkpoint.METADATA_KEY, o.toString());
        SafeTensors.write(checkpoint, tensors, metadata);
    }

    private Path export(String name) throws IOException {
        Path w = tmp.resolve(name);
        assertThat(zoo("export", "--model", "resnet20", "--seed", 1, "--output", w).status()).isZero();
        return w;
    }

    private Path writeInput() throws IOException {
        Path input = tmp.resolve("x.npy");
        org.visionzoo.core.io.Npy.write(input, TensorData.ofFloats("x", new long[] {2, 3, 32, 32},
                ZooTest.randomFloats(2 * 3 * 32 * 32, 5)));
        return input;
    }
}
