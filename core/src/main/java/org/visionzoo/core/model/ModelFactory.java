package org.visionzoo.core.model;

/** Builds a registered model for a class count and an input channel count. */
@FunctionalInterface
public interface ModelFactory {

    /**
     * Builds the model.
     *
     * @param numClasses the number of classes, {@code > 0}
     * @param inChannels the input channels, {@code > 0} (1 for grayscale data)
     * @return a new, uninitialised model
     */
    ImageClassifier create(int numClasses, int inChannels);
}
