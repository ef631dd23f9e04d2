package org.visionzoo.core.model;

/**
 * The settings every family's configuration record holds besides its architecture: the ones a
 * {@link ClassifierBuilder} sets for all families. A record declaring these components implements
 * the interface as it is, so that {@link ConfiguredClassifier} and {@link
 * ClassifierBuilder#shared(ClassifierConfig)} read them in one place.
 */
public interface ClassifierConfig {

    /**
     * Returns the number of classes.
     *
     * @return the number of classes, {@code >= 1}
     */
    int numClasses();

    /**
     * Returns the input channels.
     *
     * @return the input channels, {@code >= 1}
     */
    int inChannels();

    /**
     * Returns the dropout probability before (or inside) the classifier, in training only.
     *
     * @return a probability in {@code [0, 1)}
     */
    double dropout();
}
