package org.visionzoo.examples.zoo;

import ai.djl.Device;
import ai.djl.engine.Engine;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.visionzoo.benchmarks.Host;
import org.visionzoo.core.model.KernelCase;
import org.visionzoo.core.model.KernelSelfCheck;
import org.visionzoo.core.model.MemoryFormat;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@code zoo doctor}: whether VisionZoo computes right on this machine, and what it runs on.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Check that VisionZoo computes right on this machine; describe the machine.",
        description = {
            "",
            "Prints the CPU (model, vector instructions, the caches the OS exposes or 'hidden'), what"
                    + " oneDNN and MKL detect, the threads and allocator settings, the platform"
                    + " self-check (each kind of kernel the models use, in both memory orders,"
                    + " forward and gradients, against a float64 reference), how oneDNN's own"
                    + " channels-last 1x1 convolution behaves here (VisionZoo does not use it), and the"
                    + " memory order models will run in.",
            "",
            "Exit status 0 when the order models will run in computes every kernel right, 1 when it"
                    + " does not (the self-check's warning then names the kernel).",
            ""
        },
        footerHeading = "%n",
        footer = {"Attach `zoo doctor --json` to a bug report about wrong numbers or a crash.", ""})
final class DoctorCommand extends ZooCommand {

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        MemoryFormat setting;
        try {
            setting = MemoryFormat.configured();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Host host = Host.current();
        Libraries libraries = Libraries.probe();
        List<String[]> native1x1 = probeNative1x1();

        boolean evaluationChannelsLast = MemoryFormat.AUTO.channelsLastOn(Device.cpu(), false);
        boolean trainingChannelsLast = MemoryFormat.AUTO.channelsLastOn(Device.cpu(), true);
        List<KernelSelfCheck.Report> reports = KernelSelfCheck.cachedReports();
        KernelSelfCheck.Report forward = reports.get(0);
        KernelSelfCheck.Report training = reports.get(1);
        boolean evaluationRight = forward.passed(evaluationChannelsLast);
        boolean trainingRight = forward.passed(trainingChannelsLast) && training.passed(trainingChannelsLast);

        PrintWriter out = out();
        if (json) {
            List<JsonObject> nativeRows = native1x1.stream().map(row -> object("shape", row[0], "result", row[1]))
                    .toList();
            JsonObject o = object(
                    "cpu", object("model", host.cpuModel(), "vendor", host.vendor(), "cores", host.cores(),
                            "virtual_machine", host.virtualMachine(), "vector_isa", host.vectorIsa(),
                            "flags", host.flags(), "caches", host.caches().stream().map(Object::toString).toList()),
                    "libraries", object("onednn", libraries.onednn, "onednn_isa", libraries.isa,
                            "onednn_convolutions", libraries.convolutions, "blas", libraries.blas, "engine", engine()),
                    "threads", object("intra_op", threads(true), "inter_op", threads(false)),
                    "allocator", allocator(),
                    "self_check", object("forward", toJson(forward), "training", toJson(training)),
                    "onednn_channels_last_1x1", nativeRows,
                    "memory_order", object("setting", setting.settingName(),
                            "evaluation", name(evaluationChannelsLast), "training", name(trainingChannelsLast)),
                    "ok", evaluationRight && trainingRight);
            out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
        } else {
            out.println("zoo doctor: can VisionZoo compute right on this machine?");
            out.println();
            row(out, "CPU", host.cpuModel() + " (" + host.vendor() + "), " + host.cores() + " cores"
                    + (host.virtualMachine() ? ", virtual machine" : ""));
            row(out, "vector ISA", host.vectorIsa());
            row(out, "caches", host.cachesHidden() ? "none exposed (hidden, e.g. by a hypervisor)" : host.caches().toString());
            row(out, "oneDNN", libraries.onednn + (libraries.isa.isEmpty() ? "" : ", " + libraries.isa));
            row(out, "oneDNN convs", libraries.convolutions.isEmpty() ? "?" : String.join(", ", libraries.convolutions));
            row(out, "BLAS", libraries.blas + " (pointwise convolutions)");
            row(out, "engine", engine() + ", " + threads(true) + " intra-op / " + threads(false) + " inter-op threads");
            row(out, "allocator", allocator().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList().toString());
            row(out, "setting", MemoryFormat.ENVIRONMENT + " / -D" + MemoryFormat.PROPERTY + ": " + setting.settingName());
            out.println();
            out.printf(Locale.ROOT, "platform self-check, batch %d, error against float64 (tolerance %.0e):%n",
                    KernelSelfCheck.BATCH, KernelCase.TOLERANCE);
            table(out, forward, "forward");
            table(out, training, "training (outputs and gradients)");
            out.println();
            out.println("oneDNN's own channels-last 1x1 convolution (VisionZoo computes these as matrix products instead):");
            for (String[] r : native1x1) {
                out.printf(Locale.ROOT, "  %-28s %s%n", r[0], r[1]);
            }
            out.println();
            out.printf("memory order: %s for evaluation, %s for training%n", name(evaluationChannelsLast),
                    name(trainingChannelsLast));
            out.println(evaluationRight && trainingRight
                    ? "result: OK, every kernel is right in the order models run in"
                    : "result: FAULT, a kernel is wrong in the order models run in (see above); results may be wrong");
        }
        out.flush();
        return evaluationRight && trainingRight ? 0 : Errors.FAILURE;
    }

    private static String name(boolean channelsLast) {
        return channelsLast ? "channels-last" : "contiguous";
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf(Locale.ROOT, "%-13s %s%n", key, value);
    }

    private static void table(PrintWriter out, KernelSelfCheck.Report report, String title) {
        out.printf(Locale.ROOT, "  %-48s %-16s %s%n", title, "channels-last", "contiguous");
        Map<KernelCase, String[]> rows = new LinkedHashMap<>();
        for (KernelCase.Result r : report.results()) {
            rows.computeIfAbsent(r.kernel(), k -> new String[2])[r.channelsLast() ? 0 : 1] = cell(r);
        }
        rows.forEach((k, cells) -> out.printf(Locale.ROOT, "    %-46s %-16s %s%n", k, cells[0], cells[1]));
    }

    private static String cell(KernelCase.Result r) {
        return String.format(Locale.ROOT, "%s %.1e", r.ok() ? "ok" : "WRONG", r.error());
    }

    /**
     * A JSON object of the given keys and values, in order; each value as Gson writes it (a list as
     * an array, a map as an object).
     */
    private static JsonObject object(Object... keysAndValues) {
        Gson gson = new Gson();
        JsonObject o = new JsonObject();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            o.add((String) keysAndValues[i], gson.toJsonTree(keysAndValues[i + 1]));
        }
        return o;
    }

    private static JsonObject toJson(KernelSelfCheck.Report report) {
        JsonObject o = new JsonObject();
        o.addProperty("channels_last_ok", report.passed(true));
        o.addProperty("contiguous_ok", report.passed(false));
        o.addProperty("ms", report.took().toMillis());
        JsonArray results = new JsonArray();
        for (KernelCase.Result r : report.results()) {
            JsonObject j = new JsonObject();
            j.addProperty("kernel", r.kernel().toString());
            j.addProperty("order", name(r.channelsLast()));
            j.addProperty("ok", r.ok());
            j.addProperty("output_error", r.output());
            j.addProperty("gradient_error", r.gradients());
            results.add(j);
        }
        o.add("results", results);
        return o;
    }

    private static String engine() {
        Engine engine = Engine.getInstance();
        return engine.getEngineName() + " " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ")";
    }

    /** The engine's thread counts, read from libtorch itself (the PyTorch engine's JNI). */
    private static String threads(boolean intraOp) {
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            return String.valueOf(jni.getMethod(intraOp ? "getNumThreads" : "getNumInteropThreads").invoke(null));
        } catch (ReflectiveOperationException | LinkageError e) {
            return "?";
        }
    }

    /** The glibc malloc settings and preloaded allocators of this process's environment. */
    private static Map<String, String> allocator() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : List.of("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
                "MALLOC_TOP_PAD_", "LD_PRELOAD", "ZOO_MALLOC")) {
            String value = System.getenv(name);
            if (value != null) {
                settings.put(name, value);
            }
        }
        if (settings.isEmpty()) {
            settings.put("glibc", "defaults");
        }
        return settings;
    }

    /** What a child JVM's oneDNN and MKL say about themselves ({@code ONEDNN_VERBOSE}, {@code MKL_VERBOSE}). */
    private record Libraries(String onednn, String isa, List<String> convolutions, String blas) {

        static Libraries probe() throws IOException, InterruptedException {
            Child child = Child.run("libraries", Map.of("ONEDNN_VERBOSE", "1", "MKL_VERBOSE", "1"));
            String onednn = "?";
            String isa = "";
            String blas = "?";
            TreeSet<String> convolutions = new TreeSet<>();
            for (String line : child.lines) {
                if (line.startsWith("onednn_verbose") && line.contains(",info,oneDNN ")) {
                    onednn = line.substring(line.indexOf("oneDNN ")).replaceAll("\\s*\\(commit.*", "");
                } else if (line.startsWith("onednn_verbose") && line.contains(",info,cpu,isa:")) {
                    isa = "isa: " + line.substring(line.indexOf("isa:") + 4);
                } else if (line.startsWith("onednn_verbose") && line.contains(",exec,cpu,convolution,")) {
                    String[] f = line.split(",");
                    for (int i = 0; i < f.length - 1; i++) {
                        if (f[i].equals("convolution")) {
                            convolutions.add(f[i + 1]);
                            break;
                        }
                    }
                } else if (line.matches("MKL_VERBOSE (oneMKL|Intel\\(R\\) .*Math Kernel Library).*") && blas.equals("?")) {
                    blas = line.substring("MKL_VERBOSE".length()).trim().replaceAll("\\s+Product build.*", "");
                }
            }
            if (child.status != 0) {
                onednn = onednn + " (the probe failed: " + child.describeExit() + ")";
            }
            return new Libraries(onednn, isa, new ArrayList<>(convolutions), blas);
        }
    }

    /** oneDNN's native channels-last 1x1 convolution on ResNet-50's shapes, in a child that may die. */
    private static List<String[]> probeNative1x1() throws IOException, InterruptedException {
        Child child = Child.run("native-1x1", Map.of());
        List<String[]> rows = new ArrayList<>();
        for (String line : child.lines) {
            if (line.startsWith("native-1x1 ")) {
                String[] f = line.split(" ");
                double error = Double.parseDouble(f[2]);
                rows.add(new String[] {f[1], error <= KernelCase.TOLERANCE
                        ? String.format(Locale.ROOT, "right (error %.1e)", error)
                        : String.format(Locale.ROOT, "WRONG (error %.2g)", error)});
            }
        }
        if (rows.size() < DoctorProbe.NATIVE_1X1.length) {
            int[] s = DoctorProbe.NATIVE_1X1[rows.size()];
            rows.add(new String[] {String.format(Locale.ROOT, "(%d,%d,%d,%d)->%d/s%d", s[0], s[1], s[2], s[2], s[3], s[4]),
                    child.status == 0 ? "no result" : "killed the process: " + child.describeExit()});
        }
        return rows;
    }

    /** A child JVM running {@link DoctorProbe} on this process's classpath. */
    private record Child(int status, List<String> lines) {

        static Child run(String mode, Map<String, String> env) throws IOException, InterruptedException {
            Path log = Files.createTempFile("visionzoo-doctor-", ".log");
            Path crash = Files.createTempFile("visionzoo-doctor-hs_err-", ".log");
            try {
                ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:ErrorFile=" + crash, "-XX:-CreateCoredumpOnCrash", "-XX:TieredStopAtLevel=1",
                        "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                        "-cp", System.getProperty("java.class.path"), DoctorProbe.class.getName(), mode)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                for (String property : List.of("ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads",
                        KernelSelfCheck.INJECT_PROPERTY)) {
                    String value = System.getProperty(property);
                    if (value != null) {
                        pb.command().add(1, "-D" + property + "=" + value);
                    }
                }
                pb.environment().putAll(env);
                pb.environment().put("OPT_OUT_TRACKING", "true");
                Process p = pb.start();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return new Child(-1, Files.readAllLines(log, StandardCharsets.UTF_8));
                }
                return new Child(p.exitValue(), Files.readAllLines(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
                Files.deleteIfExists(crash);
            }
        }

        String describeExit() {
            String signal = switch (status) {
                case 134 -> " (SIGABRT: a JVM crash, e.g. SIGFPE in native code)";
                case 136 -> " (SIGFPE)";
                case 139 -> " (SIGSEGV)";
                case -1 -> " (timed out)";
                default -> "";
            };
            String frame = lines.stream().filter(l -> l.contains("Problematic frame") || l.startsWith("# C  ["))
                    .map(String::trim).reduce((a, b) -> b).orElse("");
            String sig = lines.stream().filter(l -> l.matches("#\\s+SIG[A-Z]+.*")).map(l -> l.replaceAll("#\\s+", ""))
                    .map(l -> l.replaceAll("\\s*\\(0x.*", "")).findFirst().orElse("");
            return "exit " + status + signal + (sig.isEmpty() ? "" : ", " + sig) + (frame.isEmpty() ? "" : ", " + frame);
        }
    }
}
