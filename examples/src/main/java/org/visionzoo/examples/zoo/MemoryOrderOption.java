package org.visionzoo.examples.zoo;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.MemoryFormat;

import picocli.CommandLine.Option;

/** {@code --contiguous}, shared by the commands that run a model. */
final class MemoryOrderOption {

    @Option(
            names = "--contiguous",
            description = "Run the model in contiguous NCHW order instead of the order the platform self-check"
                    + " found right (channels-last on most CPUs; see 'zoo doctor'). Same as"
                    + " VISIONZOO_MEMORY_FORMAT=contiguous; a warning says so if this CPU computes a kernel"
                    + " wrong in that order.")
    boolean contiguous;

    /** The memory format for the command's models. */
    MemoryFormat format() {
        return contiguous ? MemoryFormat.CONTIGUOUS : MemoryFormat.AUTO;
    }

    /** Sets the format on a model and returns it. */
    <M extends ImageClassifier> M apply(M model) {
        model.memoryFormat(format());
        return model;
    }
}
