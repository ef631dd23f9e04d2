package org.visionzoo.core.model;

import org.visionzoo.core.Checks;

/**
 * The base of every family's builder: the settings all classifiers share — the number of classes,
 * the input channels and the dropout before the classifier — validated in one place. A family
 * builder adds its architecture's settings and returns itself from every setter, so chains keep
 * their type:
 *
 * <pre>{@code
 * ResNet model = ResNet.builder().layers(2, 2, 2, 2).block(BlockType.BASIC).numClasses(10).build();
 * ImageClassifier tuned = Models.create("efficientnet_b0", b -> b.dropout(0.3).numClasses(10));
 * }</pre>
 *
 * @param <B> the family's builder type
 */
public abstract class ClassifierBuilder<B extends ClassifierBuilder<B>> {

    private int numClasses;
    private int inChannels = 3;
    private double dropout;

    /**
     * Creates a builder with the family's defaults and 3 input channels.
     *
     * @param numClasses the default number of classes
     * @param dropout the default dropout before the classifier
     */
    protected ClassifierBuilder(int numClasses, double dropout) {
        this.numClasses = Checks.atLeast("numClasses", numClasses, 1);
        this.dropout = Checks.dropRate("dropout", dropout);
    }

    /**
     * Returns this builder as its own type, for the setters of this class to return. A family
     * builder {@code F extends ClassifierBuilder<F>} is its own type argument, so the cast holds.
     *
     * @return this
     */
    @SuppressWarnings("unchecked")
    protected B self() {
        return (B) this;
    }

    /**
     * Copies the settings every classifier shares — classes, input channels, dropout — from a
     * configuration, for a family builder's constructor that starts from an existing model's
     * configuration.
     *
     * @param config the configuration to copy from
     * @return this
     * @throws IllegalArgumentException if a value is out of range
     */
    protected final B shared(ClassifierConfig config) {
        numClasses(config.numClasses());
        inChannels(config.inChannels());
        return dropout(config.dropout());
    }

    /**
     * Builds the model.
     *
     * @return a new, uninitialised model
     * @throws IllegalArgumentException for an invalid combination of settings
     */
    public abstract ImageClassifier build();

    /**
     * Sets the number of classes.
     *
     * @param numClasses {@code >= 1}
     * @return this
     * @throws IllegalArgumentException if {@code numClasses < 1}
     */
    public B numClasses(int numClasses) {
        this.numClasses = Checks.atLeast("numClasses", numClasses, 1);
        return self();
    }

    /**
     * Sets the input channels (default 3; 1 for grayscale data): only the first convolution
     * changes.
     *
     * @param inChannels {@code >= 1}
     * @return this
     * @throws IllegalArgumentException if {@code inChannels < 1}
     */
    public B inChannels(int inChannels) {
        this.inChannels = Checks.atLeast("inChannels", inChannels, 1);
        return self();
    }

    /**
     * Sets the dropout probability applied to the pooled features before the classifier, in
     * training only (torchvision's {@code dropout} of MobileNet and EfficientNet; 0 by default for
     * ResNet and DenseNet, where it is timm's {@code drop_rate}). It has no parameters, so it
     * changes no weight name.
     *
     * @param dropout in {@code [0, 1)}
     * @return this
     * @throws IllegalArgumentException if {@code dropout} is outside {@code [0, 1)}
     */
    public B dropout(double dropout) {
        this.dropout = Checks.dropRate("dropout", dropout);
        return self();
    }

    /**
     * Returns the number of classes.
     *
     * @return the number of classes
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Returns the input channels.
     *
     * @return the input channels
     */
    public int inChannels() {
        return inChannels;
    }

    /**
     * Returns the dropout before the classifier.
     *
     * @return the probability
     */
    public double dropout() {
        return dropout;
    }
}
