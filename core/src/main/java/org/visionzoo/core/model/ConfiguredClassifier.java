package org.visionzoo.core.model;

import java.util.Objects;
import java.util.function.Function;

/**
 * A classifier built from an immutable configuration record by a {@link ClassifierBuilder}: it
 * keeps the configuration and makes a builder back from it, the two accessors every family
 * offers.
 *
 * <pre>{@code
 * ResNet r18 = ResNetVariant.RESNET18.builder().build();
 * ResNet wider = r18.toBuilder().widthPerGroup(128).build();   // same settings, one changed
 * }</pre>
 *
 * @param <C> the configuration record, a {@link ClassifierConfig}
 * @param <B> the family's builder
 */
public abstract class ConfiguredClassifier<C extends ClassifierConfig, B extends ClassifierBuilder<B>>
        extends ImageClassifier {

    private final C config;
    private final Function<? super C, B> toBuilder;

    /**
     * Creates the classifier, with the input channels and the class count of the configuration;
     * subclasses add their children (the head last).
     *
     * @param config the configuration
     * @param toBuilder makes a builder holding a configuration
     * @param headName the torchvision module name of the head ({@code fc}, {@code classifier})
     * @param featureDim width of the pooled features
     */
    protected ConfiguredClassifier(
            C config, Function<? super C, B> toBuilder, String headName, int featureDim) {
        super(headName, config.inChannels(), featureDim, config.numClasses());
        this.config = Objects.requireNonNull(config, "config");
        this.toBuilder = Objects.requireNonNull(toBuilder, "toBuilder");
    }

    /**
     * Returns the architecture.
     *
     * @return the configuration
     */
    public C config() {
        return config;
    }

    /**
     * Returns a builder initialised with this model's configuration.
     *
     * @return a builder
     */
    public B toBuilder() {
        return toBuilder.apply(config);
    }
}
