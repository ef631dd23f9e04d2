package org.visionzoo.examples.zoo;

import org.visionzoo.benchmarks.Bench;
import org.visionzoo.benchmarks.BenchOptions;
import org.visionzoo.benchmarks.BenchResult;
import org.visionzoo.benchmarks.OnnxBench;
import org.visionzoo.core.model.ModelSpec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code zoo bench}: a quick throughput and peak-memory measurement of one model. */
@Command(
        mixinStandardHelpOptions = true,
        name = "bench",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Measures a model on random input: images per second (median over the iterations),",
            "milliseconds per batch and the process's peak resident memory. --train measures a",
            "full training step (forward, cross-entropy, backward, SGD). For comparisons with",
            "PyTorch, see benchmarks/README.md (one process per measurement)."
        },
        footer = {"", "Examples:", "  zoo bench --model resnet50 --batch 32 --json",
            "  zoo bench --model resnet50 --batch 32 --engine onnxruntime"})
final class BenchCommand extends ZooCommand {

    @Mixin ModelNameOption model = new ModelNameOption();

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = BenchOptions.DEFAULT_BATCH;

    @Option(names = "--image-size", paramLabel = "S", description = "Input size (default: the model's).")
    Integer imageSize;

    @Option(names = "--train", description = "Measure a training step instead of an evaluation forward.")
    boolean train;

    @Option(names = "--iterations", paramLabel = "N", description = "Timed iterations (default: ${DEFAULT-VALUE}).")
    int iterations = BenchOptions.DEFAULT_ITERATIONS;

    @Option(names = "--warmup", paramLabel = "W", description = "Untimed iterations first (default: ${DEFAULT-VALUE}).")
    int warmup = BenchOptions.DEFAULT_WARMUP;

    @Option(names = "--threads", paramLabel = "T", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads = 2;

    @Option(names = "--no-fold", description = "Evaluation: do not fold the batch norms into the convolutions"
            + " first (optimizeForInference); measures the model as built.")
    boolean noFold;

    @Mixin MemoryOrderOption memoryOrder = new MemoryOrderOption();

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin EngineOption engine = new EngineOption();

    @Option(names = "--onnx", paramLabel = "FILE", description = "With --engine onnxruntime: measure this ONNX file"
            + " (any exporter's, input (N, 3, S, S)) instead of the model exported in memory.")
    Path onnxFile;

    @Override
    public Integer call() throws IOException {
        ModelSpec entry = model.entry(spec);
        if (batch < 1 || iterations < 1 || warmup < 0 || threads < 1 || (imageSize != null && imageSize < 8)) {
            throw usage(
                    "--batch, --iterations and --threads must be >= 1, --warmup >= 0, --image-size >= 8");
        }
        BenchOptions options = new BenchOptions(entry.name(), batch, imageSize == null ? 0 : imageSize, train,
                iterations, warmup, threads, !noFold, !memoryOrder.contiguous);
        if (onnxFile != null && !engine.onnx()) {
            throw usage("--onnx needs --engine onnxruntime");
        }
        if (engine.onnx() && train) {
            throw usage("--engine onnxruntime measures inference only: drop --train");
        }
        if (onnxFile != null) {
            Cli.requireReadableFile(onnxFile, "ONNX file");
        }
        BenchResult result = engine.onnx() ? OnnxBench.run(options, onnxFile) : Bench.run(options);
        PrintWriter out = out();
        out.println(json ? result.toJson() : result.toText());
        out.flush();
        return 0;
    }
}
