package org.visionzoo.benchmarks;

import java.util.Objects;
import org.visionzoo.core.model.Models;

/**
 * What {@link Bench#run} measures and how.
 *
 * <pre>{@code
 * BenchResult r = Bench.run(BenchOptions.of("resnet50").withBatch(32));
 * BenchResult t = Bench.run(BenchOptions.of("resnet18").withTrain(true).withIterations(20));
 * }</pre>
 *
 * @param model a registered model name ({@link Models#list()})
 * @param batch images per iteration, {@code > 0} (default {@value #DEFAULT_BATCH})
 * @param imageSize the square input size; {@code 0} means the model's default ({@link
 *     #resolvedImageSize()})
 * @param train {@code false}: an evaluation forward pass; {@code true}: a full training step
 * @param iterations timed iterations, {@code > 0} (default {@value #DEFAULT_ITERATIONS})
 * @param warmup untimed iterations before them, {@code >= 0} (default {@value #DEFAULT_WARMUP})
 * @param threads libtorch's intra-op threads, {@code > 0} (default {@value #DEFAULT_THREADS}); fixed
 *     when the engine loads, see {@link Bench#applyThreads(int)}
 * @param foldBatchNorm evaluation only: fold the batch norms into the convolutions first ({@link
 *     org.visionzoo.core.model.ImageClassifier#optimizeForInference()}, the default), as a serving
 *     application would; {@code false} measures the model as built
 * @param channelsLast run the model in its default memory order, channels-last on the CPU ({@link
 *     org.visionzoo.core.model.MemoryFormat#AUTO}, the default); {@code false} runs it in
 *     contiguous NCHW order ({@link org.visionzoo.core.model.MemoryFormat#CONTIGUOUS}), as
 *     PyTorch eager does by default
 */
public record BenchOptions(
        String model,
        int batch,
        int imageSize,
        boolean train,
        int iterations,
        int warmup,
        int threads,
        boolean foldBatchNorm,
        boolean channelsLast) {

    /** The default batch size. */
    public static final int DEFAULT_BATCH = 32;

    /** The default number of timed iterations. */
    public static final int DEFAULT_ITERATIONS = 10;

    /** The default number of warm-up iterations. */
    public static final int DEFAULT_WARMUP = 3;

    /** The default number of intra-op threads. */
    public static final int DEFAULT_THREADS = 2;

    /** Validates the options (the model name is checked by {@link Bench#run}). */
    public BenchOptions {
        Objects.requireNonNull(model, "model");
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be > 0, got " + batch);
        }
        if (imageSize < 0) {
            throw new IllegalArgumentException("imageSize must be > 0 (or 0 for the model's), got " + imageSize);
        }
        if (iterations <= 0) {
            throw new IllegalArgumentException("iterations must be > 0, got " + iterations);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, got " + threads);
        }
    }

    /**
     * The defaults for a model: evaluation, batch 32, the model's image size, 10 iterations after 3
     * warm-up ones, 2 threads.
     *
     * @param model a registered model name
     * @return the options
     */
    public static BenchOptions of(String model) {
        return new BenchOptions(model, DEFAULT_BATCH, 0, false, DEFAULT_ITERATIONS, DEFAULT_WARMUP, DEFAULT_THREADS, true, true);
    }

    /**
     * The image size, the model's default where {@link #imageSize()} is 0.
     *
     * @return the square input size
     * @throws IllegalArgumentException for an unknown model
     */
    public int resolvedImageSize() {
        return imageSize > 0 ? imageSize : Models.spec(model).imageSize();
    }

    /**
     * The mode's name, as in the JSON output.
     *
     * @return {@code "train"} or {@code "eval"}
     */
    public String mode() {
        return train ? "train" : "eval";
    }

    /**
     * Returns a copy with another batch size.
     *
     * @param b the batch size
     * @return the copy
     */
    public BenchOptions withBatch(int b) {
        return new BenchOptions(model, b, imageSize, train, iterations, warmup, threads, foldBatchNorm, channelsLast);
    }

    /**
     * Returns a copy with another image size.
     *
     * @param s the image size (0: the model's)
     * @return the copy
     */
    public BenchOptions withImageSize(int s) {
        return new BenchOptions(model, batch, s, train, iterations, warmup, threads, foldBatchNorm, channelsLast);
    }

    /**
     * Returns a copy that measures a training step or an evaluation forward pass.
     *
     * @param t {@code true} for training
     * @return the copy
     */
    public BenchOptions withTrain(boolean t) {
        return new BenchOptions(model, batch, imageSize, t, iterations, warmup, threads, foldBatchNorm, channelsLast);
    }

    /**
     * Returns a copy with another number of timed iterations.
     *
     * @param n the iterations
     * @return the copy
     */
    public BenchOptions withIterations(int n) {
        return new BenchOptions(model, batch, imageSize, train, n, warmup, threads, foldBatchNorm, channelsLast);
    }

    /**
     * Returns a copy with another number of warm-up iterations.
     *
     * @param w the warm-up iterations
     * @return the copy
     */
    public BenchOptions withWarmup(int w) {
        return new BenchOptions(model, batch, imageSize, train, iterations, w, threads, foldBatchNorm, channelsLast);
    }

    /**
     * Returns a copy with another thread count.
     *
     * @param t the threads
     * @return the copy
     */
    public BenchOptions withThreads(int t) {
        return new BenchOptions(model, batch, imageSize, train, iterations, warmup, t, foldBatchNorm, channelsLast);
    }

    /**
     * Returns a copy that folds the batch norms before an evaluation run, or not.
     *
     * @param fold whether to fold
     * @return the copy
     */
    public BenchOptions withFoldBatchNorm(boolean fold) {
        return new BenchOptions(model, batch, imageSize, train, iterations, warmup, threads, fold, channelsLast);
    }

    /**
     * Returns a copy that runs the model channels-last (its default on the CPU) or in contiguous
     * NCHW order.
     *
     * @param channelsLast whether to run channels-last
     * @return the copy
     */
    public BenchOptions withChannelsLast(boolean channelsLast) {
        return new BenchOptions(model, batch, imageSize, train, iterations, warmup, threads, foldBatchNorm, channelsLast);
    }
}
