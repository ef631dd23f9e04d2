package org.visionzoo.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Runs the same workloads in PyTorch eager ({@code benchmarks/python/bench.py}) and in VisionZoo
 * ({@link BenchMain}), alternating the two in separate processes (so that each has its own peak
 * RSS), and writes the ratios to a generated section of {@code docs/benchmarks.md}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.visionzoo.benchmarks.Compare [--rounds R]
 *     [--iterations N] [--warmup W] [--threads T] [--out FILE] [--json-out FILE]
 *     [--workload model:eval|train:batch:size]... [--python PY] [--script bench.py] [--dry-run]
 *     [--no-fold] [--contiguous] [--pytorch-channels-last] [--allocator glibc|tcmalloc|jemalloc]
 * </pre>
 *
 * <p>Each round runs every workload once on each side; odd rounds start with PyTorch, even ones
 * with VisionZoo. Both get the same environment: the glibc malloc settings of {@code ./zoo} (or the
 * same preloaded allocator, {@code --allocator}), the
 * same thread count, offline DJL. Per side the images/s and peak RSS of the rounds are summarised
 * with {@link Stats} (median, min-max, 95% t-interval of the mean); the ratios are of the medians.
 */
public final class Compare {

    /**
     * The JIT setting of {@code ./zoo}, given to the Java side too: the client compiler only (the
     * work is native; fewer compiler threads allocating in the one malloc arena while tensors do).
     */
    static final String JIT_OPTION = "-XX:TieredStopAtLevel=1";

    /** The section name in the Markdown file. */
    public static final String SECTION = "compare";

    /** The default workloads, VisionZoo's speed targets: ResNet-50 evaluation and ResNet-18 training, batch 32 at 224. */
    public static final List<String> DEFAULT_WORKLOADS = List.of("resnet50:eval:32:224", "resnet18:train:32:224");

    /** glibc malloc settings, as {@code ./zoo} exports them. */
    public static final Map<String, String> MALLOC_ENV = Map.of(
            "MALLOC_MMAP_THRESHOLD_", "1073741824",
            "MALLOC_TRIM_THRESHOLD_", "1073741824",
            "MALLOC_TOP_PAD_", "268435456",
            "MALLOC_ARENA_MAX", "1");

    /** Allocators other than glibc's that {@code --allocator} preloads into both sides, by library file. */
    public static final Map<String, String> PRELOADED_ALLOCATORS = Map.of(
            "tcmalloc", "libtcmalloc_minimal.so.4",  // Debian: libtcmalloc-minimal4
            "jemalloc", "libjemalloc.so.2");          // Debian: libjemalloc2

    private static final List<Path> LIBRARY_DIRS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/usr/lib64"),
            Path.of("/usr/lib"));

    private Compare() {}

    /**
     * A workload on the command line: {@code model:eval|train:batch:size}.
     *
     * @param model the model name
     * @param train training step or evaluation forward
     * @param batch the batch size
     * @param imageSize the image size
     */
    public record Spec(String model, boolean train, int batch, int imageSize) {

        /**
         * Parses {@code model:eval|train:batch:size}.
         *
         * @param s the text
         * @return the workload
         * @throws IllegalArgumentException naming {@code --workload} when malformed
         */
        public static Spec parse(String s) {
            String[] p = s.split(":");
            if (p.length != 4 || !(p[1].equals("eval") || p[1].equals("train"))) {
                throw new IllegalArgumentException("--workload expects model:eval|train:batch:size, got '" + s + "'");
            }
            try {
                int b = Integer.parseInt(p[2]);
                int size = Integer.parseInt(p[3]);
                if (b <= 0 || size <= 0) {
                    throw new NumberFormatException("not positive");
                }
                return new Spec(p[0], p[1].equals("train"), b, size);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--workload: batch and size must be positive integers, got '"
                        + s + "'", e);
            }
        }

        /**
         * A short label.
         *
         * @return e.g. {@code resnet50 eval b32 224}
         */
        public String label() {
            return model + " " + (train ? "train" : "eval") + " b" + batch + " " + imageSize;
        }

        List<String> args(Config c) {
            List<String> a = new ArrayList<>(List.of("--model", model, "--batch", "" + batch, "--image-size",
                    "" + imageSize));
            if (train) {
                a.add("--train");
            }
            a.addAll(c.measure.arguments());
            a.add("--json");
            return a;
        }

        /** Reads {@code --workload}'s value. */
        static final class Converter implements ITypeConverter<Spec> {
            @Override
            public Spec convert(String value) {
                try {
                    return parse(value);
                } catch (IllegalArgumentException e) {
                    throw new TypeConversionException(e.getMessage());
                }
            }
        }
    }

    /** The options, as picocli reads them. */
    static final class Config {

        @Option(names = "--rounds", paramLabel = "R", converter = MeasureOptions.Positive.class,
                description = "Rounds; each runs every workload once per side (default: ${DEFAULT-VALUE}).")
        int rounds = 5;

        @Mixin MeasureOptions measure = new MeasureOptions();

        @Option(names = "--out", paramLabel = "FILE",
                description = "The Markdown file whose generated section is written (default: ${DEFAULT-VALUE}).")
        Path out = Path.of("docs/benchmarks.md");

        @Option(names = "--json-out", paramLabel = "FILE", description = "Also write VisionZoo's results as JSON lines.")
        Path jsonOut;

        @Option(names = "--workload", paramLabel = "SPEC", converter = Spec.Converter.class,
                description = "A workload, model:eval|train:batch:size; repeatable (default: resnet50:eval:32:224"
                        + " and resnet18:train:32:224).")
        List<Spec> workloads = new ArrayList<>();

        @Option(names = "--python", paramLabel = "PY", description = "The Python interpreter (default: ${DEFAULT-VALUE}).")
        String python = "/usr/bin/python3";

        @Option(names = "--script", paramLabel = "FILE",
                description = "bench.py (default: benchmarks/python/bench.py above the working directory).")
        Path script;

        @Option(names = "--dry-run", description = "Print the commands and the environment; run nothing.")
        boolean dryRun;

        @Mixin ModelRunOptions run = new ModelRunOptions();

        @Option(names = "--pytorch-channels-last", description = "PyTorch in channels-last order (its opt-in).")
        boolean pytorchChannelsLast;

        @Option(names = "--allocator", paramLabel = "A",
                description = "glibc (with ./zoo's settings), tcmalloc or jemalloc, preloaded into both sides"
                        + " (default: ${DEFAULT-VALUE}).")
        String allocator = "glibc";

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        List<String> argv = List.of();

        /** Fills in the defaults that depend on other options and checks what picocli cannot. */
        void complete(String... args) {
            argv = List.of(args);
            if (workloads.isEmpty()) {
                DEFAULT_WORKLOADS.forEach(w -> workloads.add(Spec.parse(w)));
            }
            environment(allocator); // validates the name and finds the library now
            if (script == null) {
                script = findScript();
            }
        }
    }

    /**
     * Runs the comparison.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the comparison with the given streams.
     *
     * @param args the arguments
     * @param out progress and the dry run's commands
     * @param err errors
     * @return the exit status: 0, 1 for a failed run, 2 for bad arguments
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Config c = new Config();
        return CommandLines.run("Compare", c, args, () -> c.complete(args), out, err, () -> run(c, out));
    }

    private static int run(Config c, PrintStream out) throws IOException {
        if (c.dryRun) {
            for (Spec s : c.workloads) {
                out.println("# " + s.label());
                out.println("python: " + shell(pythonCommand(c, s)));
                out.println("java:   " + shell(javaCommand(c, s)));
            }
            out.println("# environment: " + environment(c.allocator).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" ")));
            return 0;
        }
        Map<Spec, List<BenchResult>> py = new LinkedHashMap<>();
        Map<Spec, List<BenchResult>> vz = new LinkedHashMap<>();
        for (int r = 1; r <= c.rounds; r++) {
            for (Spec s : c.workloads) {
                boolean pythonFirst = r % 2 == 1;
                for (int k = 0; k < 2; k++) {
                    boolean python = pythonFirst == (k == 0);
                    List<String> cmd = python ? pythonCommand(c, s) : javaCommand(c, s);
                    BenchResult res = runProcess(cmd, environment(c.allocator));
                    (python ? py : vz).computeIfAbsent(s, x -> new ArrayList<>()).add(res);
                    out.printf(Locale.ROOT, "round %d/%d %-28s %-10s %8.2f images/s  peak %6.0f MiB%n", r,
                            c.rounds, s.label(), python ? "PyTorch" : "VisionZoo", res.imagesPerSecond(),
                            res.peakRssMb());
                }
            }
        }
        String section = section(c, py, vz);
        MarkdownSection.write(c.out, SECTION, header(), section);
        out.println("wrote " + c.out);
        if (c.jsonOut != null) {
            StringBuilder lines = new StringBuilder();
            for (List<BenchResult> l : vz.values()) {
                for (BenchResult b : l) {
                    lines.append(b.toJson()).append('\n');
                }
            }
            Files.writeString(c.jsonOut, lines);
            out.println("wrote " + c.jsonOut);
        }
        return 0;
    }

    /**
     * Reads the arguments.
     *
     * @param args the arguments
     * @return the options, defaults filled in
     * @throws picocli.CommandLine.ParameterException naming a bad option
     * @throws IllegalArgumentException for an unknown allocator or a missing bench.py
     */
    static Config parse(String... args) {
        Config c = new Config();
        CommandLines.parse("Compare", c, args);
        c.complete(args);
        return c;
    }

    /** Finds benchmarks/python/bench.py from the working directory or one of its parents. */
    static Path findScript() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            for (Path p : List.of(d.resolve("benchmarks/python/bench.py"), d.resolve("python/bench.py"))) {
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("cannot find benchmarks/python/bench.py from " + dir
                + "; run from the repository or pass --script");
    }

    static List<String> javaCommand(Config c, Spec s) {
        List<String> cmd = new ArrayList<>(List.of(c.java, JIT_OPTION, "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
                "-D" + Bench.THREADS_PROPERTY + "=" + c.measure.threads, "-cp", c.classpath, BenchMain.class.getName()));
        cmd.addAll(s.args(c));
        cmd.addAll(c.run.arguments());
        return cmd;
    }

    static List<String> pythonCommand(Config c, Spec s) {
        List<String> cmd = new ArrayList<>(List.of(c.python, c.script.toString()));
        cmd.addAll(s.args(c));
        if (c.pytorchChannelsLast) {
            cmd.add("--channels-last");
        }
        return cmd;
    }

    /**
     * The environment both sides run in, on top of this process's.
     *
     * @return the variables set for the subprocesses
     */
    public static Map<String, String> environment() {
        return environment("glibc");
    }

    /**
     * The environment both sides run in with the given allocator: {@code glibc} with {@link
     * #MALLOC_ENV} (each overridable from this process's environment), or one of {@link
     * #PRELOADED_ALLOCATORS} through {@code LD_PRELOAD}.
     *
     * @param allocator {@code glibc}, {@code tcmalloc} or {@code jemalloc}
     * @return the variables set for the subprocesses
     * @throws IllegalArgumentException for another name, or if the library is not installed
     */
    public static Map<String, String> environment(String allocator) {
        Map<String, String> env = new LinkedHashMap<>();
        if ("glibc".equals(allocator)) {
            MALLOC_ENV.forEach((k, v) -> env.put(k, System.getenv().getOrDefault(k, v)));
        } else if (PRELOADED_ALLOCATORS.containsKey(allocator)) {
            String lib = PRELOADED_ALLOCATORS.get(allocator);
            Path found = LIBRARY_DIRS.stream().map(d -> d.resolve(lib)).filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--allocator " + allocator + ": " + lib
                            + " not found in " + LIBRARY_DIRS + " (Debian: apt-get install "
                            + ("tcmalloc".equals(allocator) ? "libtcmalloc-minimal4" : "libjemalloc2") + ")"));
            env.put("LD_PRELOAD", found.toString());
        } else {
            throw new IllegalArgumentException("--allocator must be glibc, tcmalloc or jemalloc, got '"
                    + allocator + "'");
        }
        env.put("OPT_OUT_TRACKING", "true");
        env.put("DJL_OFFLINE", "true");
        return env;
    }

    /**
     * Runs one side's process (at most an hour) and reads the last JSON line it prints.
     *
     * @throws IllegalStateException if it fails, times out or prints no JSON
     */
    static BenchResult runProcess(List<String> cmd, Map<String, String> environment) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(environment);
        Process p = pb.start();
        p.getOutputStream().close();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(1, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + shell(cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("exit status " + p.exitValue() + " of " + shell(cmd) + "\n" + stdout);
        }
        String json = stdout.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no JSON line from " + shell(cmd) + "\n" + stdout));
        return BenchResult.fromJson(json);
    }

    /**
     * The static text of a new {@code docs/benchmarks.md}.
     *
     * @return the header
     */
    static String header() {
        return """
                # Benchmarks: VisionZoo and PyTorch eager

                The table below is generated by `org.visionzoo.benchmarks.Compare` (see
                `benchmarks/README.md`); edit only outside its marker comments.

                **Method.** Each workload is run in PyTorch eager (`benchmarks/python/bench.py`, Debian's
                torch/torchvision, models built by `torchref.build_model`) and in VisionZoo (`BenchMain`,
                DJL's PyTorch engine), each in its own process so that each has its own peak RSS, alternating
                which side goes first from one round to the next. Both sides get the same intra-op thread
                count, the same glibc malloc settings as `./zoo` and random inputs drawn once per process.
                Evaluation is a forward pass with gradients off (`torch.no_grad()` + `model.eval()`;
                `Inference.logits`); training is forward, cross-entropy, backward and an SGD step (lr 0.01,
                momentum 0.9). A round's throughput is `batch / median iteration time`; across rounds we give
                the median, the min–max spread and the 95% confidence interval of the mean (Student t). Ratios
                are VisionZoo / PyTorch of the medians: above 1 means VisionZoo is faster (images/s) or uses
                more memory (peak RSS, which for VisionZoo includes the JVM).
                Each side runs as its users run it by default: VisionZoo channels-last on the CPU (its default,
                `--contiguous` turns it off) in a JVM started like `./zoo` (`-XX:TieredStopAtLevel=1`), PyTorch
                in contiguous NCHW order (`--pytorch-channels-last` opts it in).

                """;
    }

    static String section(Config c, Map<Spec, List<BenchResult>> py, Map<Spec, List<BenchResult>> vz) {
        StringBuilder sb = new StringBuilder();
        String pyEngine = py.values().stream().flatMap(List::stream).map(BenchResult::engine).findFirst().orElse("?");
        String vzEngine = vz.values().stream().flatMap(List::stream).map(BenchResult::engine).findFirst().orElse("?");
        sb.append("Measured ").append(LocalDate.now(ZoneOffset.UTC)).append(" on ").append(Host.current().describe())
                .append(", ").append(c.measure.threads)
                .append(" intra-op threads, ").append(c.rounds).append(" rounds of ").append(c.measure.warmup)
                .append(" warm-up + ").append(c.measure.iterations).append(" timed iterations per process.\n\n");
        sb.append("- VisionZoo: ").append(vzEngine).append(", Java ").append(System.getProperty("java.version"))
                .append(" (").append(System.getProperty("java.vm.name")).append(")\n");
        sb.append("- PyTorch: ").append(pyEngine).append(", ").append(Machine.pythonVersion(c.python)).append('\n');
        sb.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(", ").append(Machine.glibc()).append("; environment: `")
                .append(environment(c.allocator).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
                        .collect(Collectors.joining(" ")))
                .append("`\n");
        sb.append("- Command: `java -cp benchmarks/target/benchmarks.jar ").append(Compare.class.getName());
        for (String a : c.argv) {
            sb.append(' ').append(a);
        }
        sb.append("`\n\n");
        sb.append("| workload | PyTorch images/s: median [min–max] (95% CI) | VisionZoo images/s: median [min–max]"
                + " (95% CI) | speed ratio VZ/PT | PyTorch peak RSS MiB | VisionZoo peak RSS MiB | memory ratio VZ/PT |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Spec s : c.workloads) {
            List<BenchResult> p = py.getOrDefault(s, List.of());
            List<BenchResult> v = vz.getOrDefault(s, List.of());
            if (p.isEmpty() || v.isEmpty()) {
                continue;
            }
            Stats ps = Stats.of(p.stream().map(BenchResult::imagesPerSecond).toList());
            Stats vs = Stats.of(v.stream().map(BenchResult::imagesPerSecond).toList());
            Stats pm = Stats.of(p.stream().map(BenchResult::peakRssMb).toList());
            Stats vm = Stats.of(v.stream().map(BenchResult::peakRssMb).toList());
            sb.append(row(s.label(), ps, vs, pm, vm));
        }
        return sb.toString();
    }

    static String row(String label, Stats ps, Stats vs, Stats pm, Stats vm) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %s | %s | %.2f |%n", label, speed(ps), speed(vs),
                vs.median() / ps.median(), memory(pm), memory(vm), vm.median() / pm.median());
    }

    private static String speed(Stats s) {
        return String.format(Locale.ROOT, "%.2f [%.2f–%.2f] (%.2f–%.2f)", s.median(), s.min(), s.max(), s.ciLow(),
                s.ciHigh());
    }

    private static String memory(Stats s) {
        return String.format(Locale.ROOT, "%.0f [%.0f–%.0f]", s.median(), s.min(), s.max());
    }

    static String shell(List<String> cmd) {
        return cmd.stream().map(a -> a.matches("[A-Za-z0-9_./:=+,@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }
}
