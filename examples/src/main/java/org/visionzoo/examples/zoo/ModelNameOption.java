package org.visionzoo.examples.zoo;

import org.visionzoo.core.model.ModelSpec;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The required {@code --model}, shared by the commands that build a registered model. */
final class ModelNameOption {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "NAME", description = "A registered model name (see 'zoo list').")
    String model;

    /** The registry entry of {@code --model}; an unknown name is a usage error. */
    ModelSpec entry(CommandSpec command) {
        return Cli.model(command, model);
    }
}
