package org.visionzoo.benchmarks;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/**
 * Command line of {@link Bench}: one configuration, measured in this process.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.visionzoo.benchmarks.BenchMain \
 *     --model NAME [--batch B] [--image-size S] [--train] [--iterations N] [--warmup W] \
 *     [--threads T] [--json]
 * </pre>
 *
 * <p>Prints one line: a summary, or with {@code --json} the {@link BenchResult#toJson()} object.
 * Exit status 2 for bad arguments (the message names the option), 1 for a failed run.
 */
public final class BenchMain {

    /** The usage text. */
    public static final String USAGE = "usage: BenchMain --model NAME [--batch B] [--image-size S] [--train]"
            + " [--iterations N] [--warmup W] [--threads T] [--no-fold] [--contiguous] [--json]";

    private BenchMain() {}

    /**
     * Parsed arguments.
     *
     * @param options the benchmark options
     * @param json whether to print JSON
     */
    public record Args(BenchOptions options, boolean json) {}

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
        return run("BenchMain", USAGE, args, out, err, Bench::run);
    }

    /**
     * Parses the common options, runs one measurement and prints it: the command-line shape every
     * side of a comparison shares.
     *
     * @param name the program's name, for messages
     * @param usage the usage text
     * @param args the arguments
     * @param out where the result goes
     * @param err where errors go
     * @param bench the measurement
     * @return the exit status: 0, 1 when the measurement failed, 2 for bad arguments
     */
    static int run(String name, String usage, String[] args, PrintStream out, PrintStream err,
            Function<BenchOptions, BenchResult> bench) {
        Args a;
        try {
            a = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(name + ": " + e.getMessage());
            err.println(usage);
            return 2;
        }
        if (a == null) {
            out.println(usage);
            return 0;
        }
        try {
            BenchResult r = bench.apply(a.options());
            out.println(a.json() ? r.toJson() : r.toText());
            return 0;
        } catch (RuntimeException e) {
            err.println(name + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * Parses the arguments.
     *
     * @param args the arguments
     * @return the parsed arguments, or {@code null} for {@code --help}
     * @throws IllegalArgumentException naming the offending option
     */
    public static Args parse(String... args) {
        String model = null;
        BenchOptions o = BenchOptions.of("?");
        boolean json = false;
        List<String> list = List.of(args);
        for (int i = 0; i < list.size(); i++) {
            String a = list.get(i);
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--model" -> model = value(list, i++);
                case "--batch" -> o = o.withBatch(positive(list, i++));
                case "--image-size" -> o = o.withImageSize(positive(list, i++));
                case "--iterations" -> o = o.withIterations(positive(list, i++));
                case "--warmup" -> o = o.withWarmup(nonNegative(list, i++));
                case "--threads" -> o = o.withThreads(positive(list, i++));
                case "--train" -> o = o.withTrain(true);
                case "--no-fold" -> o = o.withFoldBatchNorm(false);
                case "--contiguous" -> o = o.withChannelsLast(false);
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("--model is required");
        }
        return new Args(new BenchOptions(model, o.batch(), o.imageSize(), o.train(), o.iterations(), o.warmup(),
                o.threads(), o.foldBatchNorm(), o.channelsLast()), json);
    }

    static String value(List<String> args, int i) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new IllegalArgumentException(args.get(i) + " needs a value");
        }
        return args.get(i + 1);
    }

    static int positive(List<String> args, int i) {
        int v = integer(args, i);
        if (v <= 0) {
            throw new IllegalArgumentException(args.get(i) + " must be > 0, got " + v);
        }
        return v;
    }

    static int nonNegative(List<String> args, int i) {
        int v = integer(args, i);
        if (v < 0) {
            throw new IllegalArgumentException(args.get(i) + " must be >= 0, got " + v);
        }
        return v;
    }

    private static int integer(List<String> args, int i) {
        String s = value(args, i);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args.get(i) + " expects an integer, got '" + s + "'", e);
        }
    }
}
