package org.visionzoo.examples.zoo;

import org.visionzoo.core.model.ModelSpec;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --num-classes}, shared by the commands that build a model with a head of any size. */
final class NumClassesOption {

    @Option(names = "--num-classes", paramLabel = "N", description = "Number of classes (default: the model's).")
    Integer numClasses;

    /** {@code --num-classes}, or {@code fallback} when not given; must be > 0. */
    int classes(CommandSpec command, int fallback) {
        return Cli.positive(command, "--num-classes", numClasses, fallback);
    }

    /** {@code --num-classes}, or the entry's default; must be > 0. */
    int classes(CommandSpec command, ModelSpec entry) {
        return classes(command, entry.numClasses());
    }
}
