package org.visionzoo.examples.zoo;

import ai.djl.ndarray.NDManager;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelSpec;

import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code --contiguous}, {@code --engine} and {@code --max-image-pixels}: how predict and eval run
 * trained weights on decoded images.
 */
final class InferenceOptions {

    @Mixin MemoryOrderOption memoryOrder = new MemoryOrderOption();

    @Mixin EngineOption engine = new EngineOption();

    @Mixin ImageLimitOption imageLimit = new ImageLimitOption();

    /**
     * Builds the model in the chosen memory order, initialises it for {@code size} and loads the
     * weights file into it (see {@link WeightsFiles#load}).
     */
    ImageClassifier load(ModelSpec entry, int classes, int channels, NDManager manager, int size, Path weights)
            throws IOException {
        ImageClassifier net = memoryOrder.apply(entry.create(classes, channels));
        net.initialize(manager, size);
        WeightsFiles.load(net, weights);
        return net;
    }
}
