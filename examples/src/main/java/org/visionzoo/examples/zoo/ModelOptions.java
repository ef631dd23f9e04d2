package org.visionzoo.examples.zoo;

import org.visionzoo.core.model.ModelSpec;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --model} and {@code --num-classes} options, shared by the commands that build a model. */
final class ModelOptions {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "NAME", description = "A registered model name (see 'zoo list').")
    String model;

    @Option(names = "--num-classes", paramLabel = "N", description = "Number of classes (default: the model's).")
    Integer numClasses;

    /** The registry entry of {@code --model}; an unknown name is a usage error. */
    ModelSpec entry(CommandSpec command) {
        return Cli.model(command, model);
    }

    /** {@code --num-classes}, or the entry's default; must be > 0. */
    int classes(CommandSpec command, ModelSpec entry) {
        return Cli.positive(command, "--num-classes", numClasses, entry.numClasses());
    }
}
