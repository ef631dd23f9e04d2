package org.visionzoo.benchmarks;

import java.io.PrintStream;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Command line of {@link Bench}: one configuration, measured in this process.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.visionzoo.benchmarks.BenchMain \
 *     --model NAME [--batch B] [--image-size S] [--train] [--iterations N] [--warmup W] \
 *     [--threads T] [--no-fold] [--contiguous] [--json]
 * </pre>
 *
 * <p>Prints one line: a summary, or with {@code --json} the {@link BenchResult#toJson()} object.
 * Exit status 2 for bad arguments (the message names the option), 1 for a failed run.
 */
public final class BenchMain {

    private BenchMain() {}

    /**
     * Parsed arguments.
     *
     * @param options the benchmark options
     * @param json whether to print JSON
     */
    public record Args(BenchOptions options, boolean json) {}

    /** The options, as picocli reads them; {@link OnnxBenchMain} adds its own. */
    static class Arguments {

        @Option(names = "--model", required = true, paramLabel = "NAME", description = "A registered model name.")
        String model;

        @Option(names = "--batch", paramLabel = "B", converter = MeasureOptions.Positive.class,
                description = "Images per iteration (default: ${DEFAULT-VALUE}).")
        int batch = BenchOptions.DEFAULT_BATCH;

        @Option(names = "--image-size", paramLabel = "S", converter = MeasureOptions.Positive.class,
                description = "The square input size (default: the model's).")
        int imageSize;

        @Option(names = "--train", description = "Measure a training step instead of an evaluation forward pass.")
        boolean train;

        @Mixin MeasureOptions measure = new MeasureOptions();

        @Mixin ModelRunOptions run = new ModelRunOptions();

        @Option(names = "--json", description = "Print the result as one JSON object.")
        boolean json;

        /** The arguments read. */
        Args args() {
            return new Args(new BenchOptions(model, batch, imageSize, train, measure.iterations, measure.warmup,
                    measure.threads, !run.noFold, !run.contiguous), json);
        }
    }

    /**
     * Runs the command.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // Quiet by default (before the first logger exists): one result line is the output.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils",
                System.getProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error"));
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command with the given streams.
     *
     * @param args the arguments
     * @param out where the result goes
     * @param err where errors go
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run("BenchMain", new Arguments(), args, out, err, Bench::run);
    }

    /**
     * Parses the common options, runs one measurement and prints it: the command-line shape every
     * side of a comparison shares.
     *
     * @param name the program's name, for messages
     * @param arguments the options to fill in
     * @param args the arguments
     * @param out where the result goes
     * @param err where errors go
     * @param bench the measurement
     * @return the exit status: 0, 1 when the measurement failed, 2 for bad arguments
     */
    static int run(String name, Arguments arguments, String[] args, PrintStream out, PrintStream err,
            Function<BenchOptions, BenchResult> bench) {
        return CommandLines.run(name, arguments, args, arguments::args, out, err, () -> {
            Args a = arguments.args();
            BenchResult r = bench.apply(a.options());
            out.println(a.json() ? r.toJson() : r.toText());
            return 0;
        });
    }

    /**
     * Parses the arguments.
     *
     * @param args the arguments
     * @return the parsed arguments, or {@code null} for {@code --help}
     * @throws picocli.CommandLine.ParameterException naming the offending option
     */
    public static Args parse(String... args) {
        Arguments a = new Arguments();
        return CommandLines.parse("BenchMain", a, args).isUsageHelpRequested() ? null : a.args();
    }
}
