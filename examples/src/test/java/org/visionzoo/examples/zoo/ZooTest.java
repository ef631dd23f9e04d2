package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.io.Npy;
import org.visionzoo.core.io.TensorData;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.weights.Weights;

import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Runs {@code zoo} in-process, as a user would, and checks output, errors and exit status. */
class ZooTest {

    @TempDir Path tmp;

    /** What one run of {@code zoo} printed and returned. */
    record Result(int status, String out, String err) {

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Result zoo(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Zoo.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] strings = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        int status = cmd.execute(strings);
        return new Result(status, out.toString(), err.toString());
    }

    /** A usage error or failure: exactly one {@code zoo: } line, no stack trace. */
    static void assertOneLineError(Result r, int status, String... fragments) {
        assertThat(r.status()).as("exit status; stderr: %s", r.err()).isEqualTo(status);
        assertThat(r.errLines()).as("stderr").hasSize(1);
        assertThat(r.err()).startsWith("zoo: ").doesNotContain("\tat ").contains(fragments);
    }

    static float[] randomFloats(int n, long seed) {
        Random random = new Random(seed);
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return data;
    }

    Path writeInput(String name, long... shape) throws IOException {
        int n = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        Path file = tmp.resolve(name);
        Npy.write(file, TensorData.ofFloats("x", shape, randomFloats(n, 42)));
        return file;
    }

    Path export(String model, int classes, int seed, String name) {
        Path file = tmp.resolve(name);
        Result r = zoo("export", "--model", model, "--num-classes", classes, "--seed", seed, "--output", file);
        assertThat(r.status()).as("export; stderr: %s", r.err()).isZero();
        assertThat(file).isRegularFile();
        return file;
    }

    @Test
    void listPrintsEveryModelWithSeparatedCounts() {
        Result r = zoo("list");
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("NAME", "FAMILY", "SIZE", "RESIZE", "PARAMS", "MACS");
        String resnet50 = r.out().lines().filter(l -> l.startsWith("resnet50 ")).findFirst().orElseThrow();
        assertThat(resnet50).contains("ResNet", "25,557,032", "4.09 G").containsPattern(" 224 +256 +1000 ");
        for (ModelSpec spec : Models.list()) {
            assertThat(r.out()).containsPattern("(?m)^" + spec.name() + " ");
        }
    }

    @Test
    void listJsonIsOneArrayWithEveryKey() {
        Result r = zoo("list", "--json");
        assertThat(r.status()).isZero();
        JsonArray array = JsonParser.parseString(r.out()).getAsJsonArray();
        assertThat(array).hasSize(Models.list().size());
        for (JsonElement e : array) {
            JsonObject o = e.getAsJsonObject();
            assertThat(o.keySet())
                    .contains("name", "family", "params", "macs", "image_size", "eval_resize", "num_classes", "paper");
            assertThat(o.get("eval_resize").getAsInt()).isGreaterThanOrEqualTo(o.get("image_size").getAsInt());
            assertThat(o.get("params").getAsLong()).isPositive();
            assertThat(o.get("macs").getAsLong()).isPositive();
        }
        JsonObject resnet50 = array.asList().stream()
                .map(JsonElement::getAsJsonObject)
                .filter(o -> o.get("name").getAsString().equals("resnet50"))
                .findFirst()
                .orElseThrow();
        assertThat(resnet50.get("params").getAsLong()).isEqualTo(25_557_032L);
        assertThat(resnet50.get("family").getAsString()).isEqualTo("ResNet");
        assertThat(resnet50.get("image_size").getAsInt()).isEqualTo(224);
        assertThat(resnet50.get("eval_resize").getAsInt()).isEqualTo(256);
        assertThat(resnet50.get("num_classes").getAsInt()).isEqualTo(1000);
    }

    @Test
    void summaryPrintsTheTotalsOfResnet18() {
        Result r = zoo("summary", "resnet18", "--depth", "1");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("Parameters: 11,689,512")
                .containsPattern("MACs: +1,814,0\\d\\d,\\d\\d\\d \\(1\\.81 G\\)")
                .contains("layer4")
                .doesNotContain("layer4.0");
    }

    @Test
    void summaryFollowsClassesAndDepth() {
        Result r = zoo("summary", "resnet20", "--num-classes", "7", "--depth", "2");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("(1, 7)", "7 classes", "layer1.0");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertOneLineError(zoo("list", "--bogus"), 2, "Unknown option", "--bogus", "zoo list --help");
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertOneLineError(zoo("lst"), 2, "'lst'", "list");
    }

    @Test
    void unknownModelIsAUsageErrorListingTheClosestNames() {
        assertOneLineError(zoo("summary", "resnet5"), 2, "unknown model 'resnet5'", "closest: ", "resnet50");
        assertOneLineError(
                zoo("forward", "--model", "resnt18", "-w", "w", "-i", "i", "-o", "o"), 2, "closest: resnet18");
    }

    @Test
    void badNumbersAreUsageErrors() {
        assertOneLineError(zoo("summary", "resnet18", "--depth", "x"), 2, "--depth", "'x'");
        assertOneLineError(zoo("summary", "resnet18", "--num-classes", "0"), 2, "--num-classes must be > 0");
        assertOneLineError(zoo("export", "--model", "resnet18", "--seed", "1.5", "-o", "x"), 2, "--seed");
    }

    @Test
    void missingParameterIsAUsageError() {
        assertOneLineError(zoo("forward", "--model", "resnet18"), 2, "Missing required options");
        assertOneLineError(zoo(), 2, "missing command");
    }

    @Test
    void helpAndVersion() {
        for (String command : List.of("list", "summary", "forward", "export")) {
            Result r = zoo(command, "--help");
            assertThat(r.status()).isZero();
            assertThat(r.out()).contains("Usage: zoo " + command);
        }
        Result help = zoo("--help");
        assertThat(help.out()).contains("list", "summary", "forward", "export", "Exit status");
        Result version = zoo("--version");
        assertThat(version.status()).isZero();
        assertThat(version.out()).startsWith("zoo ").contains("DJL 0.36.0").doesNotContain("${");
    }

    @Test
    void missingWeightsFileIsAFailure() throws IOException {
        Path input = writeInput("x.npy", 1, 3, 32, 32);
        Path missing = tmp.resolve("nope.safetensors");
        Result r = zoo("forward", "--model", "resnet20", "--weights", missing, "--input", input,
                "--output", tmp.resolve("y.npy"));
        assertOneLineError(r, 1, missing.toString(), "weights file not found");
        assertThat(tmp.resolve("y.npy")).doesNotExist();
    }

    @Test
    void truncatedWeightsFileIsAFailure() throws IOException {
        Path weights = export("resnet20", 10, 1, "w.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length / 2));
        Path input = writeInput("x.npy", 1, 3, 32, 32);
        Result r = zoo("forward", "--model", "resnet20", "--weights", weights, "--input", input,
                "--output", tmp.resolve("y.npy"));
        assertOneLineError(r, 1, weights.toString());
        assertThat(tmp.resolve("y.npy")).doesNotExist();
    }

    @Test
    void mismatchedWeightsListTheProblems() throws IOException {
        Path weights = export("resnet20", 10, 1, "w.safetensors");
        Path input = writeInput("x.npy", 1, 3, 32, 32);
        Result r = zoo("forward", "--model", "resnet20", "--num-classes", "5", "--weights", weights,
                "--input", input, "--output", tmp.resolve("y.npy"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.errLines().get(0)).startsWith("zoo: weights file " + weights).contains("does not fit");
        assertThat(r.err()).contains("fc.weight").doesNotContain("\tat ");
    }

    @Test
    void badInputsAreFailuresWithClearMessages() throws IOException {
        Path weights = export("resnet20", 10, 1, "w.safetensors");
        Path rank3 = writeInput("rank3.npy", 3, 32, 32);
        assertOneLineError(
                zoo("forward", "-m", "resnet20", "-w", weights, "-i", rank3, "-o", tmp.resolve("y.npy")),
                1, "rank 4", "[3, 32, 32]");
        Path nhwc = writeInput("nhwc.npy", 1, 32, 32, 3);
        assertOneLineError(
                zoo("forward", "-m", "resnet20", "-w", weights, "-i", nhwc, "-o", tmp.resolve("y.npy")),
                1, "expects 3 input channels", "[1, 32, 32, 3]");
        Path input = writeInput("x.npy", 1, 3, 32, 32);
        assertOneLineError(
                zoo("forward", "-m", "resnet20", "-w", weights, "-i", input, "-o", tmp.resolve("no/such/y.npy")),
                1, "output directory does not exist");
    }

    @Test
    void debugAddsTheStackTrace() {
        Result r = zoo("summary", "resnet18", "--num-classes", "0", "--debug");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("\tat ");
    }

    @Test
    void exportIsReproducibleWithASeed() throws IOException {
        Path a = export("resnet20", 10, 7, "a.safetensors");
        Path b = export("resnet20", 10, 7, "b.safetensors");
        Path c = export("resnet20", 10, 8, "c.safetensors");
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
    }

    @Test
    void exportThenForwardMatchesInProcessInference() throws IOException {
        Path weights = export("resnet18", 10, 1, "r18.safetensors");
        Path input = writeInput("x.npy", 1, 3, 64, 64);
        Path output = tmp.resolve("logits.npy");
        Result r = zoo("forward", "--model", "resnet18", "--num-classes", "10", "--weights", weights,
                "--input", input, "--output", output);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();

        TensorData logits = Npy.read(output);
        assertThat(logits.shape()).containsExactly(1, 10);
        float[] actual = logits.toFloatArray();

        float[] expected;
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = Models.create("resnet18", 10);
            model.initialize(manager, 64);
            Weights.load(model, weights);
            NDArray x = manager.create(Npy.read(input).toFloatArray(), new Shape(1, 3, 64, 64));
            expected = Inference.logits(model, x).toFloatArray();
        }
        assertThat(actual).containsExactly(expected, within(1e-5f));
        // Random weights still give distinct logits: the comparison is not vacuous.
        assertThat(actual[0]).isNotEqualTo(actual[1]);
    }

    @Test
    void forwardSplitsLargeBatchesWithoutChangingResults() throws IOException {
        Path weights = export("resnet20", 10, 3, "w.safetensors");
        Path input = writeInput("x.npy", 5, 3, 32, 32);
        Path whole = tmp.resolve("whole.npy");
        Path split = tmp.resolve("split.npy");
        assertThat(zoo("forward", "-m", "resnet20", "-w", weights, "-i", input, "-o", whole).status()).isZero();
        assertThat(zoo("forward", "-m", "resnet20", "-w", weights, "-i", input, "-o", split, "--batch-size", 2)
                .status()).isZero();
        assertThat(Npy.read(split).shape()).containsExactly(5, 10);
        assertThat(Npy.read(split).toFloatArray()).containsExactly(Npy.read(whole).toFloatArray(), within(1e-4f));
    }
}
