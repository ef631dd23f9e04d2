package org.visionzoo.core.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.visionzoo.core.io.Npy;
import org.visionzoo.core.io.TensorData;

/**
 * torchvision on the other side of a parity test: runs the bundled {@code torchref.py} (a
 * resource of core's test-jar) with the Python that has torch and torchvision.
 *
 * <p>The interpreter is the system property {@code visionzoo.python} (default {@code
 * /usr/bin/python3}; the parent pom passes it to Surefire). When it is missing, or cannot import
 * torch, torchvision and numpy, every call fails with an {@link AssertionError} saying to {@code
 * apt-get install python3-torchvision}: parity tests are never skipped.
 *
 * <p>Typical use in a model module's test:
 *
 * <pre>{@code
 * Fixture f = TorchReference.make("resnet50", tmp, Options.defaults().withNumClasses(10));
 * // load f.weights() into the Java model, run it on f.input() ...
 * Tolerance.assertAllClose(javaLogits, TorchReference.readFloats(f.logits()));
 * }</pre>
 *
 * <p>The script's threads default to 2 ({@code TORCHREF_THREADS} in the environment overrides).
 */
public final class TorchReference {

    /** The system property naming the Python interpreter. */
    public static final String PYTHON_PROPERTY = "visionzoo.python";

    /** The interpreter used when {@value #PYTHON_PROPERTY} is not set. */
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";

    /** How long one run of the script may take. */
    public static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static final String RESOURCE = "torchref.py";
    private static final String INSTALL_HINT =
            "the parity tests need Python 3 with torch and torchvision: on Debian/Ubuntu run"
                    + " `apt-get install python3-torchvision` (or point -D" + PYTHON_PROPERTY
                    + "=... at an interpreter that has them)";

    /** The script's own imports failing: the interpreter lacks torch, torchvision or numpy. */
    private static final Pattern MISSING_MODULE = Pattern.compile(
            "(ModuleNotFoundError|ImportError): No module named '?(torch|torchvision|numpy)\\b[^\\n]*");

    private static Path script;

    private TorchReference() {}

    /**
     * What {@code torchref.py make} and {@code check} build. Immutable; start from {@link
     * #defaults()} and change fields with the {@code with...} methods.
     *
     * @param numClasses output classes, or 0 for the model's default (1000 for torchvision
     *     builders, 10 for the CIFAR ResNets resnet20...resnet110 and the DenseNet-BC
     *     densenet_bc_L_K)
     * @param height input height ({@code make} only)
     * @param width input width ({@code make} only)
     * @param batch batch size ({@code make} only)
     * @param seed the {@code torch.manual_seed} for weights and input ({@code make} only)
     * @param inChannels input channels of the first convolution
     * @param smallInputStem ResNets: 3x3 stride-1 {@code conv1} and no max pool; DenseNets:
     *     3x3 stride-1 {@code features.conv0} and no {@code norm0, relu0, pool0}
     */
    public record Options(
            int numClasses,
            int height,
            int width,
            int batch,
            long seed,
            int inChannels,
            boolean smallInputStem) {

        /** Validates the fields. */
        public Options {
            if (numClasses < 0) {
                throw new IllegalArgumentException("numClasses must be >= 0 (0: model default)");
            }
            if (height <= 0 || width <= 0 || batch <= 0 || inChannels <= 0) {
                throw new IllegalArgumentException("height, width, batch and inChannels must be"
                        + " positive: " + height + ", " + width + ", " + batch + ", " + inChannels);
            }
        }

        /**
         * The script's defaults: the model's classes, 64x64, batch 2, seed 0, 3 channels.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(0, 64, 64, 2, 0L, 3, false);
        }

        /**
         * @param n output classes, 0 for the model's default
         * @return a copy with that number of classes
         */
        public Options withNumClasses(int n) {
            return new Options(n, height, width, batch, seed, inChannels, smallInputStem);
        }

        /**
         * @param size height and width
         * @return a copy with a square input of that size
         */
        public Options withImageSize(int size) {
            return new Options(numClasses, size, size, batch, seed, inChannels, smallInputStem);
        }

        /**
         * @param h input height
         * @param w input width
         * @return a copy with that input size
         */
        public Options withSize(int h, int w) {
            return new Options(numClasses, h, w, batch, seed, inChannels, smallInputStem);
        }

        /**
         * @param b batch size
         * @return a copy with that batch size
         */
        public Options withBatch(int b) {
            return new Options(numClasses, height, width, b, seed, inChannels, smallInputStem);
        }

        /**
         * @param s seed
         * @return a copy with that seed
         */
        public Options withSeed(long s) {
            return new Options(numClasses, height, width, batch, s, inChannels, smallInputStem);
        }

        /**
         * @param c input channels
         * @return a copy with that many input channels
         */
        public Options withInChannels(int c) {
            return new Options(numClasses, height, width, batch, seed, c, smallInputStem);
        }

        /**
         * @param small whether to use the small-input ResNet stem
         * @return a copy with that stem choice
         */
        public Options withSmallInputStem(boolean small) {
            return new Options(numClasses, height, width, batch, seed, inChannels, small);
        }

        /** Arguments shared by make, check and count. */
        List<String> modelArgs() {
            List<String> args = new ArrayList<>();
            if (numClasses > 0) {
                args.add("--num-classes");
                args.add(Integer.toString(numClasses));
            }
            args.add("--in-channels");
            args.add(Integer.toString(inChannels));
            if (smallInputStem) {
                args.add("--small-input-stem");
            }
            return args;
        }
    }

    /**
     * The files {@code make} wrote.
     *
     * @param weights {@code weights.safetensors}: the model's full {@code state_dict()}
     * @param input {@code input.npy}: float32 NCHW
     * @param logits {@code logits.npy}: torchvision's float32 eval-mode output
     * @param parameterCount the sum of {@code p.numel()} over {@code model.parameters()}
     * @param inputShape the input's shape
     * @param outputShape the logits' shape
     */
    public record Fixture(
            Path weights, Path input, Path logits, long parameterCount,
            long[] inputShape, long[] outputShape) {

        /** Copies the shapes. */
        public Fixture {
            Objects.requireNonNull(weights, "weights");
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(logits, "logits");
            inputShape = inputShape.clone();
            outputShape = outputShape.clone();
        }

        @Override
        public long[] inputShape() {
            return inputShape.clone();
        }

        @Override
        public long[] outputShape() {
            return outputShape.clone();
        }

        /**
         * @return the input, flat in C order
         */
        public float[] inputValues() {
            return readFloats(input);
        }

        /**
         * @return torchvision's logits, flat in C order
         */
        public float[] expectedLogits() {
            return readFloats(logits);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fixture f
                    && weights.equals(f.weights) && input.equals(f.input) && logits.equals(f.logits)
                    && parameterCount == f.parameterCount
                    && Arrays.equals(inputShape, f.inputShape)
                    && Arrays.equals(outputShape, f.outputShape);
        }

        @Override
        public int hashCode() {
            return Objects.hash(weights, input, logits, parameterCount,
                    Arrays.hashCode(inputShape), Arrays.hashCode(outputShape));
        }

        @Override
        public String toString() {
            return "Fixture[weights=" + weights + ", input=" + input + ", logits=" + logits
                    + ", parameterCount=" + parameterCount + ", inputShape="
                    + Arrays.toString(inputShape) + ", outputShape=" + Arrays.toString(outputShape)
                    + "]";
        }
    }

    /**
     * The Python interpreter to run: system property {@value #PYTHON_PROPERTY}, default {@value
     * #DEFAULT_PYTHON}.
     *
     * @return its path
     */
    public static Path python() {
        String p = System.getProperty(PYTHON_PROPERTY);
        return Paths.get(p == null || p.isBlank() ? DEFAULT_PYTHON : p.trim());
    }

    /**
     * {@code torchref.py}, copied from the classpath to a temporary file once per JVM (deleted on
     * exit).
     *
     * @return the script's path
     */
    public static synchronized Path script() {
        if (script != null && Files.isRegularFile(script)) {
            return script;
        }
        try (InputStream in = TorchReference.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new AssertionError("resource " + RESOURCE + " is not on the classpath next to "
                        + TorchReference.class.getName() + " (is core's test-jar a dependency?)");
            }
            Path tmp = Files.createTempFile("torchref-", ".py");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            script = tmp;
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + RESOURCE, e);
        }
    }

    /**
     * Runs {@code torchref.py make}: builds {@code model} with reproducible random weights (from
     * {@code opts.seed()}), draws an input, and writes {@code weights.safetensors}, {@code
     * input.npy} and {@code logits.npy} into {@code dir}.
     *
     * @param model a torchvision classification builder name (resnet50, densenet121, ...), a
     *     CIFAR ResNet (resnet20, resnet32, resnet44, resnet56, resnet110) or a CIFAR DenseNet-BC
     *     ({@code densenet_bc_L_K}: depth L, growth rate K, e.g. densenet_bc_100_12), or a single
     *     block of the MBConv family ({@code ir_v2_block_16_96_16_s1}, ...; see torchref.py), whose
     *     "logits" are the block's NCHW output
     * @param dir the directory to write (created if needed)
     * @param opts model and input options
     * @return the files written and the parameter count
     * @throws AssertionError when the script fails (message: the command and its stderr)
     */
    public static Fixture make(String model, Path dir, Options opts) {
        List<String> args = new ArrayList<>(List.of("make", "--model", model,
                "--out", dir.toAbsolutePath().toString(),
                "--height", Integer.toString(opts.height()),
                "--width", Integer.toString(opts.width()),
                "--batch", Integer.toString(opts.batch()),
                "--seed", Long.toString(opts.seed())));
        args.addAll(opts.modelArgs());
        Result r = run(args);
        JsonObject json = lastJsonLine(r);
        try {
            return new Fixture(
                    Paths.get(json.get("weights").getAsString()),
                    Paths.get(json.get("input").getAsString()),
                    Paths.get(json.get("logits").getAsString()),
                    json.get("parameters").getAsLong(),
                    longs(json.getAsJsonArray("input_shape")),
                    longs(json.getAsJsonArray("output_shape")));
        } catch (RuntimeException e) {
            throw new AssertionError("unexpected JSON from " + r.command + ": " + json, e);
        }
    }

    /**
     * Runs {@code torchref.py check}: loads {@code weights} into torchvision's {@code model}
     * (strictly: every name and shape must match) and writes its logits on {@code input}.
     *
     * @param model the model name, as for {@link #make}
     * @param weights a safetensors state dict (F32, F16, BF16, F64, I64, I32, U8 or BOOL)
     * @param input a float32 NCHW .npy
     * @param out where to write the logits .npy
     * @param opts model options (numClasses, inChannels, smallInputStem; the rest is ignored)
     * @return {@code out}
     * @throws AssertionError when the script fails, e.g. on a strict-load mismatch
     */
    public static Path check(String model, Path weights, Path input, Path out, Options opts) {
        List<String> args = new ArrayList<>(List.of("check", "--model", model,
                "--weights", weights.toAbsolutePath().toString(),
                "--input", input.toAbsolutePath().toString(),
                "--out", out.toAbsolutePath().toString()));
        args.addAll(opts.modelArgs());
        run(args);
        if (!Files.isRegularFile(out)) {
            throw new AssertionError("torchref.py check exited 0 but wrote no " + out);
        }
        return out;
    }

    /**
     * Runs {@code torchref.py count}.
     *
     * @param model the model name, as for {@link #make}
     * @param opts model options (numClasses, inChannels, smallInputStem)
     * @return torchvision's parameter count of the model
     */
    public static long count(String model, Options opts) {
        List<String> args = new ArrayList<>(List.of("count", "--model", model));
        args.addAll(opts.modelArgs());
        Result r = run(args);
        String[] lines = r.stdout.strip().split("\\R");
        try {
            return Long.parseLong(lines[lines.length - 1].strip());
        } catch (NumberFormatException e) {
            throw new AssertionError("unexpected output from " + r.command + ": " + r.stdout, e);
        }
    }

    /**
     * Reads a .npy file, such as the script's input and logits, flat in C order (via {@link
     * Npy#read}; non-float32 data is converted).
     *
     * @param npy the file
     * @return its values
     */
    public static float[] readFloats(Path npy) {
        return readNpy(npy).toFloatArray();
    }

    /**
     * The shape of a .npy file, such as the script's input and logits.
     *
     * @param npy the file
     * @return its shape
     */
    public static long[] readShape(Path npy) {
        return readNpy(npy).shape();
    }

    private static TensorData readNpy(Path npy) {
        try {
            return Npy.read(npy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + npy, e);
        }
    }

    // ------------------------------------------------------------------ running the script

    private record Result(String command, int exitCode, String stdout, String stderr) {}

    private static Result run(List<String> scriptArgs) {
        Path python = python();
        if (!Files.isExecutable(python)) {
            throw new AssertionError("Python interpreter " + python
                    + " not found or not executable; " + INSTALL_HINT);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(python.toString());
        cmd.add(script().toString());
        cmd.addAll(scriptArgs);
        Result r = exec(cmd);
        if (r.exitCode != 0) {
            Matcher m = MISSING_MODULE.matcher(r.stderr);
            if (m.find()) {
                throw new AssertionError(python + " cannot import " + m.group(2) + " (" + m.group()
                        + "); " + INSTALL_HINT + "\ncommand: " + r.command);
            }
            throw new AssertionError("torchref.py failed (exit " + r.exitCode + "): " + r.command
                    + "\n--- stderr ---\n" + r.stderr.strip()
                    + (r.stdout.isBlank() ? "" : "\n--- stdout ---\n" + r.stdout.strip()));
        }
        return r;
    }

    private static Result exec(List<String> cmd) {
        String shown = String.join(" ", cmd);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("torchref-", ".out");
            err = Files.createTempFile("torchref-", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            pb.environment().putIfAbsent("TORCHREF_THREADS", "2");
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process p = pb.start();
            boolean done;
            try {
                done = p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while running " + shown, e);
            }
            if (!done) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s: " + shown
                        + "\n--- stderr ---\n" + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return new Result(shown, p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + shown + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + shown, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name", "").startsWith("Windows")
                ? "NUL" : "/dev/null");
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    private static JsonObject lastJsonLine(Result r) {
        String[] lines = r.stdout.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.startsWith("{")) {
                try {
                    JsonElement e = JsonParser.parseString(line);
                    if (e.isJsonObject()) {
                        return e.getAsJsonObject();
                    }
                } catch (JsonParseException e) {
                    throw new AssertionError("bad JSON line from " + r.command + ": " + line, e);
                }
            }
        }
        throw new AssertionError("no JSON line on stdout of " + r.command + ":\n" + r.stdout
                + "\n--- stderr ---\n" + r.stderr);
    }

    private static long[] longs(JsonArray a) {
        long[] v = new long[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsLong();
        }
        return v;
    }
}
