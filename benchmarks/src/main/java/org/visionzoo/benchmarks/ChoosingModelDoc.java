package org.visionzoo.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes {@code docs/choosing-a-model.md}: for every registered model ({@link Models#list()}) its
 * parameters, MACs, measured evaluation and training throughput, peak memory and torchvision's
 * published ImageNet top-1, with short guidance by use case.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.visionzoo.benchmarks.ChoosingModelDoc \
 *     [--out docs/choosing-a-model.md] [--no-measure | --measurements FILE]
 *     [--models a,b,...] [--batch B] [--iterations N] [--warmup W] [--threads T]
 * </pre>
 *
 * <p>Measurements come from {@code --measurements FILE} (JSON lines as {@code BenchMain --json}
 * prints them, e.g. {@code Compare --json-out}), or are taken here by running {@link BenchMain} in a
 * subprocess for each model and mode (eval and train, at the model's image size); {@code
 * --no-measure} writes "not measured" instead. The file is generated whole.
 */
public final class ChoosingModelDoc {

    /** Where the top-1 figures come from. */
    public static final String TOP1_SOURCE = "https://pytorch.org/vision/stable/models.html";

    /**
     * torchvision's ImageNet-1k top-1 accuracy (%) of its IMAGENET1K_V1 weights, from {@link
     * #TOP1_SOURCE}. Models without an entry (the CIFAR ResNets) show "—".
     */
    public static final Map<String, Double> TORCHVISION_TOP1 = Map.ofEntries(
            Map.entry("resnet18", 69.758),
            Map.entry("resnet34", 73.314),
            Map.entry("resnet50", 76.130),
            Map.entry("resnet101", 77.374),
            Map.entry("resnet152", 78.312),
            Map.entry("resnext50_32x4d", 77.618),
            Map.entry("resnext101_32x8d", 79.312),
            Map.entry("resnext101_64x4d", 83.246),
            Map.entry("wide_resnet50_2", 78.468),
            Map.entry("wide_resnet101_2", 78.848),
            Map.entry("densenet121", 74.434),
            Map.entry("densenet161", 77.138),
            Map.entry("densenet169", 75.600),
            Map.entry("densenet201", 76.896),
            Map.entry("mobilenet_v2", 71.878),
            Map.entry("mobilenet_v3_large", 74.042),
            Map.entry("mobilenet_v3_small", 67.668),
            Map.entry("efficientnet_b0", 77.692),
            Map.entry("efficientnet_b1", 78.642),
            Map.entry("efficientnet_b2", 80.608),
            Map.entry("efficientnet_b3", 82.008),
            Map.entry("efficientnet_b4", 83.384),
            Map.entry("efficientnet_b5", 83.444),
            Map.entry("efficientnet_b6", 84.008),
            Map.entry("efficientnet_b7", 84.122),
            Map.entry("efficientnet_v2_s", 84.228),
            Map.entry("efficientnet_v2_m", 85.112),
            Map.entry("efficientnet_v2_l", 85.808));

    private static final String NOT_MEASURED = "not measured";

    private ChoosingModelDoc() {}

    /** The options, as picocli reads them. */
    static final class Config {

        @Option(names = "--out", paramLabel = "FILE", description = "The file to write (default: ${DEFAULT-VALUE}).")
        Path out = Path.of("docs/choosing-a-model.md");

        @Option(names = "--no-measure", description = "Write \"not measured\" instead of measuring.")
        boolean noMeasure;

        @Option(names = "--measurements", paramLabel = "FILE",
                description = "Take the measurements from JSON lines as BenchMain --json prints them.")
        Path measurements;

        @Option(names = "--models", paramLabel = "MODEL", split = ",",
                description = "Measure these models only (default: all).")
        Set<String> models;

        @Option(names = "--batch", paramLabel = "B", converter = MeasureOptions.Positive.class,
                description = "Images per iteration (default: ${DEFAULT-VALUE}).")
        int batch = 16;

        @Mixin MeasureOptions measure = new MeasureOptions(5, 2);

        List<String> argv = List.of();

        /** Checks what picocli cannot: the model names. */
        void complete(String... args) {
            argv = List.of(args);
            if (models != null) {
                for (String m : models) {
                    Models.spec(m); // unknown names fail here, with the closest ones
                }
            }
        }
    }

    /**
     * Writes the document.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Writes the document with the given streams.
     *
     * @param args the arguments
     * @param out progress
     * @param err errors
     * @return the exit status: 0, 1 for a failure, 2 for bad arguments
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Config c = new Config();
        return CommandLines.run("ChoosingModelDoc", c, args, () -> c.complete(args), out, err, () -> run(c, out));
    }

    private static int run(Config c, PrintStream out) throws IOException {
        Map<String, BenchResult> measured = new HashMap<>();
        if (c.measurements != null) {
            for (String line : Files.readAllLines(c.measurements)) {
                if (line.startsWith("{")) {
                    BenchResult r = BenchResult.fromJson(line);
                    measured.merge(key(r.model(), r.train()), r,
                            (a, b) -> a.imagesPerSecond() >= b.imagesPerSecond() ? a : b);
                }
            }
        } else if (!c.noMeasure) {
            for (ModelSpec s : Models.list()) {
                if (c.models != null && !c.models.contains(s.name())) {
                    continue;
                }
                for (boolean train : new boolean[] {false, true}) {
                    out.println("measuring " + s.name() + (train ? " train" : " eval") + " ...");
                    measured.put(key(s.name(), train), measure(c, s, train));
                }
            }
        }
        String doc = render(Models.list(), measured, c);
        Path parent = c.out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(c.out, doc);
        out.println("wrote " + c.out);
        return 0;
    }

    static String key(String model, boolean train) {
        return model + (train ? ":train" : ":eval");
    }

    private static BenchResult measure(Config c, ModelSpec s, boolean train) throws IOException {
        Compare.Config cc = new Compare.Config();
        cc.measure = c.measure;
        List<String> cmd = Compare.javaCommand(cc, new Compare.Spec(s.name(), train, c.batch, s.imageSize()));
        return Compare.runProcess(cmd, Compare.environment());
    }

    /**
     * The parameter count as written in the table.
     *
     * @param params the count
     * @return e.g. {@code 11,689,512 (11.7 M)}
     */
    public static String formatParams(long params) {
        return String.format(Locale.ROOT, "%,d (%.1f M)", params, params / 1e6);
    }

    static String render(List<ModelSpec> specs, Map<String, BenchResult> measured, Config c) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Choosing a model\n\n");
        sb.append("<!-- Generated by org.visionzoo.benchmarks.ChoosingModelDoc: do not edit by hand; run\n")
                .append("     java -cp benchmarks/target/benchmarks.jar org.visionzoo.benchmarks.ChoosingModelDoc");
        for (String a : c.argv) {
            sb.append(' ').append(a);
        }
        sb.append("\n-->\n\n");
        sb.append("Every model registered in VisionZoo (`Models.list()`), with its size, its cost and what it"
                + " achieves. Top-1 is torchvision's published ImageNet-1k accuracy of its IMAGENET1K_V1"
                + " weights for the same architecture (source: ").append(TOP1_SOURCE).append("); VisionZoo"
                + " reproduces the architectures with torchvision parity, not those trained weights. The CIFAR"
                + " ResNets (32x32 inputs, 10 classes) have no torchvision figure: \"—\".\n\n");
        boolean any = !measured.isEmpty();
        if (any) {
            BenchResult first = measured.values().iterator().next();
            sb.append(String.format(Locale.ROOT, "Measured on %s, %s, %d intra-op threads,"
                    + " batch %d at each model's input size, median of the timed iterations (with a measurements file of several rounds: the fastest round, with that round's peak RSS);"
                    + " peak RSS is the larger of the evaluation and training processes'.%n%n",
                    Host.current().describe(), first.engine(), first.threads(), first.batch()));
        } else {
            sb.append("Throughput and memory: not measured in this version of the file (generated with"
                    + " `--no-measure`); run the command above without it on a quiet machine.\n\n");
        }
        sb.append("| model | family | input | parameters | MACs / image | ImageNet top-1 (torchvision) |"
                + " eval images/s | train images/s | peak RSS MiB |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (ModelSpec s : specs) {
            BenchResult e = measured.get(key(s.name(), false));
            BenchResult t = measured.get(key(s.name(), true));
            Double top1 = TORCHVISION_TOP1.get(s.name());
            String peak = e == null && t == null ? NOT_MEASURED
                    : String.format(Locale.ROOT, "%.0f", Math.max(e == null ? 0 : e.peakRssMb(),
                            t == null ? 0 : t.peakRssMb()));
            sb.append(String.format(Locale.ROOT, "| `%s` | %s | %dx%dx%d | %s | %.2f G | %s | %s | %s | %s |%n",
                    s.name(), s.family(), s.inChannels(), s.imageSize(), s.imageSize(), formatParams(s.params()),
                    s.macs() / 1e9, top1 == null ? "—" : String.format(Locale.ROOT, "%.3f", top1),
                    throughput(e), throughput(t), peak));
        }
        sb.append('\n').append(guidance(specs, measured));
        return sb.toString();
    }

    private static String throughput(BenchResult r) {
        return r == null ? NOT_MEASURED : String.format(Locale.ROOT, "%.1f", r.imagesPerSecond());
    }

    static String guidance(List<ModelSpec> specs, Map<String, BenchResult> measured) {
        List<ModelSpec> imagenet = new ArrayList<>();
        List<ModelSpec> cifar = new ArrayList<>();
        for (ModelSpec s : specs) {
            (s.imageSize() > 64 ? imagenet : cifar).add(s);
        }
        StringBuilder sb = new StringBuilder("## Which one?\n\n");
        Optional<ModelSpec> cheapest = imagenet.stream().min(Comparator.comparingLong(ModelSpec::macs));
        Optional<ModelSpec> best = imagenet.stream().filter(s -> TORCHVISION_TOP1.containsKey(s.name())).max(Comparator.comparingDouble(s -> TORCHVISION_TOP1.get(s.name())));
        long measuredImagenet = imagenet.stream().filter(s -> measured.containsKey(key(s.name(), false))).count();
        Optional<ModelSpec> fastest = imagenet.stream().filter(s -> TORCHVISION_TOP1.containsKey(s.name()))
                .filter(s -> measured.containsKey(key(s.name(), false)))
                .max(Comparator.comparingDouble(s -> measured.get(key(s.name(), false)).imagesPerSecond()));
        cheapest.ifPresent(s -> sb.append(String.format(Locale.ROOT,
                "- **Phone or small device** (little compute, little memory): `%s`, the fewest MACs of the"
                        + " ImageNet models here (%.2f G per image, %s parameters).%s%n",
                s.name(), s.macs() / 1e9, formatParams(s.params()),
                specs.stream().anyMatch(x -> x.family().toLowerCase(Locale.ROOT).contains("mobilenet")) ? ""
                        : " The MobileNet and EfficientNet families, built for this, will appear here once they are"
                                + " registered.")));
        if (fastest.isPresent()) {
            ModelSpec s = fastest.get();
            sb.append(String.format(Locale.ROOT,
                    "- **Server throughput**: `%s`, the most evaluation images/s measured here (%.1f), at %.3f%%"
                            + " top-1%s.%n", s.name(), measured.get(key(s.name(), false)).imagesPerSecond(),
                    TORCHVISION_TOP1.get(s.name()), measuredImagenet < imagenet.size()
                            ? " (of the " + measuredImagenet + " ImageNet models measured so far; MACs per image"
                                    + " guide the others)"
                            : ""));
        } else {
            sb.append("- **Server throughput**: not measured here; MACs per image are the first guide (a model"
                    + " with half the MACs runs roughly twice the images/s on the same CPU), then measure with"
                    + " `BenchMain` at your batch size.\n");
        }
        best.ifPresent(s -> sb.append(String.format(Locale.ROOT,
                "- **Accuracy first**: `%s`, the highest torchvision ImageNet top-1 here (%.3f%%), at %.2f G MACs"
                        + " per image.%n", s.name(), TORCHVISION_TOP1.get(s.name()), s.macs() / 1e9)));
        if (!cifar.isEmpty()) {
            sb.append("- **Small images (32x32, e.g. CIFAR-10)**: ")
                    .append(String.join(", ", cifar.stream().map(s -> "`" + s.name() + "`").toList()))
                    .append(": the CIFAR ResNets and DenseNet-BC, depth trading accuracy for time.\n");
        }
        sb.append("- **Fine-tuning on few images**: start from a small ImageNet architecture (`resnet18` or"
                + " `resnet50`) and replace the head (`ImageClassifier.replaceHead`).\n");
        return sb.toString();
    }
}
