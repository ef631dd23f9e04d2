package org.visionzoo.examples.zoo;

import org.visionzoo.core.model.ModelSpec;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code --model} and {@code --num-classes} options, shared by the commands that build a model. */
final class ModelOptions {

    @Mixin ModelNameOption name = new ModelNameOption();

    @Mixin NumClassesOption numClasses = new NumClassesOption();

    /** The name given to {@code --model}. */
    String model() {
        return name.model;
    }

    /** {@code --num-classes} as given, or {@code null}. */
    Integer numClasses() {
        return numClasses.numClasses;
    }

    /** The registry entry of {@code --model}; an unknown name is a usage error. */
    ModelSpec entry(CommandSpec command) {
        return name.entry(command);
    }

    /** {@code --num-classes}, or {@code fallback} when not given; must be > 0. */
    int classes(CommandSpec command, int fallback) {
        return numClasses.classes(command, fallback);
    }

    /** {@code --num-classes}, or the entry's default; must be > 0. */
    int classes(CommandSpec command, ModelSpec entry) {
        return numClasses.classes(command, entry);
    }
}
