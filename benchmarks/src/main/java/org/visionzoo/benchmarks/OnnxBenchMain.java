package org.visionzoo.benchmarks;

import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Command line of {@link OnnxBench}: {@link BenchMain}'s options (evaluation only) plus {@code
 * --onnx FILE} to measure an ONNX file instead of VisionZoo's in-memory export.
 *
 * <pre>
 * java -cp benchmarks.jar org.visionzoo.benchmarks.OnnxBenchMain --model resnet50 --onnx resnet50.onnx --batch 32 --json
 * </pre>
 */
public final class OnnxBenchMain {

    private OnnxBenchMain() {}

    /** {@link BenchMain}'s options and {@code --onnx}. */
    static final class Arguments extends BenchMain.Arguments {

        @Option(names = "--onnx", paramLabel = "FILE",
                description = "Measure this ONNX file (input (N, 3, S, S)) instead of VisionZoo's export in memory.")
        Path onnx;
    }

    /**
     * Runs one measurement and prints its result.
     *
     * @param args the options of {@link BenchMain}, and {@code --onnx FILE}
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs one measurement.
     *
     * @param args the options of {@link BenchMain}, and {@code --onnx FILE}
     * @param out where the result goes
     * @param err where errors go
     * @return the exit status: 0, 1 when the measurement failed, 2 for bad arguments
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments a = new Arguments();
        return BenchMain.run("OnnxBenchMain", a, args, out, err, options -> OnnxBench.run(options, a.onnx));
    }
}
