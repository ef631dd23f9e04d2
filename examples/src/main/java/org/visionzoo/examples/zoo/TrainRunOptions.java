package org.visionzoo.examples.zoo;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --limit}, {@code --quiet} and {@code --contiguous}: the run options demo passes on to train. */
final class TrainRunOptions {

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N images only (quick runs).")
    Integer limit;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Mixin MemoryOrderOption memoryOrder = new MemoryOrderOption();

    /** The options as given, as arguments of {@code zoo train}. */
    List<String> arguments() {
        List<String> args = new ArrayList<>();
        if (limit != null) {
            args.addAll(List.of("--limit", limit.toString()));
        }
        if (quiet) {
            args.add("--quiet");
        }
        if (memoryOrder.contiguous) {
            args.add("--contiguous");
        }
        return args;
    }
}
