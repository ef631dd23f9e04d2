package org.visionzoo.benchmarks;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures a {@link Workload} in this process: {@code warmup} untimed iterations, then {@code
 * iterations} iterations each timed with {@link System#nanoTime()}.
 *
 * <pre>{@code
 * BenchResult r = Bench.run(BenchOptions.of("resnet50").withBatch(32));
 * System.out.println(r.toText());   // or r.toJson()
 * }</pre>
 *
 * <p>libtorch's thread count is fixed when the PyTorch engine loads: {@link #run} applies {@link
 * BenchOptions#threads()} through the system property {@value #THREADS_PROPERTY} before the
 * engine loads, and fails if the engine is already loaded with another count. Run one
 * configuration per process where the counts differ (as {@code BenchMain} and {@code Compare} do).
 */
public final class Bench {

    /** The system property DJL's PyTorch engine reads its intra-op thread count from. */
    public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    private static final String ENGINE = "PyTorch";

    private Bench() {}

    /**
     * Runs a benchmark.
     *
     * @param o what to measure
     * @return the per-iteration times, their summary and the process's peak RSS
     * @throws IllegalArgumentException for an unknown model
     * @throws IllegalStateException if the engine is already loaded with another thread count
     */
    public static BenchResult run(BenchOptions o) {
        int imageSize = o.resolvedImageSize();
        String engine = applyThreads(o.threads());
        double[] ms = new double[o.iterations()];
        float check = 0;
        try (Workload w = Workload.of(o)) {
            w.setUp();
            for (int i = 0; i < o.warmup(); i++) {
                check += w.runOnce();
            }
            for (int i = 0; i < o.iterations(); i++) {
                long t0 = System.nanoTime();
                check += w.runOnce();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        if (Float.isNaN(check)) {
            throw new IllegalStateException(o.model() + " " + o.mode() + " produced NaN");
        }
        String how = engine + (o.channelsLast() ? ", channels-last" : ", contiguous NCHW")
                + (o.train() ? "" : o.foldBatchNorm() ? ", batch norms folded" : ", batch norms not folded");
        return BenchResult.of(o, imageSize, ms, peakRssMb(), how);
    }

    /**
     * Loads the PyTorch engine with {@code threads} intra-op threads, or checks that it was loaded
     * with that many.
     *
     * @param threads the intra-op thread count, {@code > 0}
     * @return the engine's description, e.g. {@code "PyTorch 2.7.1 (DJL 0.36.0)"}
     * @throws IllegalStateException if the engine is already loaded with another count (the
     *     message says to use a new process), or if the PyTorch engine is not on the classpath
     */
    public static synchronized String applyThreads(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, got " + threads);
        }
        String previous = System.getProperty(THREADS_PROPERTY);
        System.setProperty(THREADS_PROPERTY, Integer.toString(threads));
        Engine engine;
        try {
            engine = Engine.getEngine(ENGINE);
        } catch (RuntimeException e) {
            restore(previous);
            throw new IllegalStateException("the PyTorch engine could not be loaded (is pytorch-engine with"
                    + " pytorch-native-cpu on the classpath?): " + e.getMessage(), e);
        }
        int actual = engineThreads();
        if (actual != threads) {
            restore(previous);
            throw new IllegalStateException("the PyTorch engine is already loaded with " + actual
                    + " intra-op threads, not the " + threads + " requested: libtorch fixes the count when"
                    + " the engine loads, so run this benchmark in a new process (-D" + THREADS_PROPERTY + "="
                    + threads + " or --threads " + threads + ")");
        }
        return ENGINE + " " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ")";
    }

    /**
     * The peak resident set size of this process so far.
     *
     * @return VmHWM from /proc/self/status, in MiB
     * @throws IllegalStateException where /proc/self/status has no VmHWM line (not Linux)
     */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmHWM line in /proc/self/status");
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty(THREADS_PROPERTY);
        } else {
            System.setProperty(THREADS_PROPERTY, previous);
        }
    }

    /** libtorch's current intra-op thread count, read through the engine's JNI (runtime scope). */
    private static int engineThreads() {
        try {
            Object n = Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("getNumThreads").invoke(null);
            return (Integer) n;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read libtorch's thread count: " + e, e);
        }
    }
}
