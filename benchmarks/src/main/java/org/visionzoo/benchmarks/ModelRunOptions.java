package org.visionzoo.benchmarks;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --no-fold} and {@code --contiguous}: how VisionZoo runs the measured model, against its
 * defaults (batch norms folded for evaluation, channels-last). Shared by {@link BenchMain} and
 * {@link Compare}, which passes them on to its {@code BenchMain} processes.
 */
final class ModelRunOptions {

    @Option(names = "--no-fold", description = "Evaluation: do not fold VisionZoo's batch norms into the convolutions"
            + " first (BenchOptions.foldBatchNorm).")
    boolean noFold;

    @Option(names = "--contiguous", description = "Run VisionZoo's model in contiguous NCHW order instead of"
            + " channels-last (BenchOptions.channelsLast).")
    boolean contiguous;

    /** The options given, as {@link BenchMain} takes them. */
    List<String> arguments() {
        List<String> a = new ArrayList<>();
        if (noFold) {
            a.add("--no-fold");
        }
        if (contiguous) {
            a.add("--contiguous");
        }
        return a;
    }
}
