package org.visionzoo.benchmarks;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line of {@link OnnxBench}: {@link BenchMain}'s options (evaluation only) plus {@code
 * --onnx FILE} to measure an ONNX file instead of VisionZoo's in-memory export.
 *
 * <pre>
 * java -cp benchmarks.jar org.visionzoo.benchmarks.OnnxBenchMain --model resnet50 --onnx resnet50.onnx --batch 32 --json
 * </pre>
 */
public final class OnnxBenchMain {

    /** The usage text. */
    public static final String USAGE = "usage: OnnxBenchMain --model NAME [--onnx FILE] [--batch B] [--image-size S]"
            + " [--iterations N] [--warmup W] [--threads T] [--json]";

    private OnnxBenchMain() {}

    /**
     * Runs one measurement and prints its result.
     *
     * @param args see {@link #USAGE}
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs one measurement.
     *
     * @param args see {@link #USAGE}
     * @param out where the result goes
     * @param err where errors go
     * @return the exit status: 0, 1 when the measurement failed, 2 for bad arguments
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path onnx = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--onnx")) {
                if (i + 1 >= args.length) {
                    err.println("OnnxBenchMain: --onnx needs a FILE");
                    err.println(USAGE);
                    return 2;
                }
                onnx = Path.of(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        Path file = onnx;
        return BenchMain.run("OnnxBenchMain", USAGE, rest.toArray(String[]::new), out, err,
                options -> OnnxBench.run(options, file));
    }
}
