package org.visionzoo.benchmarks;

import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --iterations}, {@code --warmup} and {@code --threads}: how long, and on how many intra-op
 * threads, one process measures. Shared by the command lines of {@link BenchMain}, {@link Compare}
 * and {@link ChoosingModelDoc}, each with its own defaults.
 */
final class MeasureOptions {

    @Option(names = "--iterations", paramLabel = "N", converter = Positive.class,
            description = "Timed iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", paramLabel = "W", converter = NonNegative.class,
            description = "Untimed iterations first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", paramLabel = "T", converter = Positive.class,
            description = "Intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads = BenchOptions.DEFAULT_THREADS;

    /** {@link BenchOptions}'s defaults. */
    MeasureOptions() {
        this(BenchOptions.DEFAULT_ITERATIONS, BenchOptions.DEFAULT_WARMUP);
    }

    /** Other defaults for the iterations. */
    MeasureOptions(int iterations, int warmup) {
        this.iterations = iterations;
        this.warmup = warmup;
    }

    /** The options as {@link BenchMain} (and {@code bench.py}) take them. */
    List<String> arguments() {
        return List.of("--iterations", "" + iterations, "--warmup", "" + warmup, "--threads", "" + threads);
    }

    /** An integer {@code > 0}, or a conversion error saying what it got. */
    static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v = integer(value);
            if (v <= 0) {
                throw new TypeConversionException("must be > 0, got " + v);
            }
            return v;
        }
    }

    /** An integer {@code >= 0}, or a conversion error saying what it got. */
    static final class NonNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v = integer(value);
            if (v < 0) {
                throw new TypeConversionException("must be >= 0, got " + v);
            }
            return v;
        }
    }

    private static int integer(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("expects an integer, got '" + value + "'");
        }
    }
}
