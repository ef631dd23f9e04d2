package org.visionzoo.core.model;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A registry entry: a model's name, its metadata and how to build it.
 *
 * <p>{@code params} and {@code macs} are recorded figures (as torchvision records {@code
 * num_params} and {@code _ops} with its weights); each family's tests compare them with the counts
 * computed from the built model, so they cannot drift.
 *
 * @param name the registry name, torchvision's where torchvision has the model (e.g. {@code
 *     resnet50})
 * @param family the family (e.g. {@code ResNet})
 * @param imageSize the default (training and evaluation) input size: the side of the square
 *     crop a model sees
 * @param evalResize the size the shorter image side is resized to before the centre crop of
 *     {@code imageSize} at evaluation (torchvision's {@code resize_size}, e.g. 256 for a 224 crop;
 *     equal to {@code imageSize} where the whole resized image is used); {@code >= imageSize}
 * @param numClasses the default number of classes (1000 for ImageNet models, 10 for CIFAR ones)
 * @param inChannels the default number of input channels
 * @param params trainable parameters at the default class count, counted as PyTorch does
 * @param macs multiply-accumulates of one image at the default input size (convolutions and
 *     linear layers)
 * @param paper the paper the architecture comes from
 * @param preset makes a new builder with the variant's architecture, at each call
 */
public record ModelSpec(
        String name,
        String family,
        int imageSize,
        int evalResize,
        int numClasses,
        int inChannels,
        long params,
        long macs,
        String paper,
        Supplier<? extends ClassifierBuilder<?>> preset) {

    /** Validates the entry. */
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(paper, "paper");
        Objects.requireNonNull(preset, "preset");
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException(
                    "model name must match [a-z0-9_]+, got '" + name + "'");
        }
        if (imageSize <= 0 || numClasses <= 0 || inChannels <= 0 || params <= 0 || macs <= 0) {
            throw new IllegalArgumentException("model '" + name + "': sizes and counts must be > 0");
        }
        if (evalResize < imageSize) {
            throw new IllegalArgumentException("model '" + name + "': evalResize must be >= imageSize ("
                    + imageSize + "), got " + evalResize);
        }
    }

    /**
     * torchvision's usual evaluation resize for a crop size: 256 for the 224 crop of its ImageNet
     * classifiers (resize to 256, centre-crop 224), the crop size itself otherwise (no margin, as
     * for 32x32 CIFAR inputs).
     *
     * @param imageSize the crop size
     * @return the resize size
     */
    public static int defaultEvalResize(int imageSize) {
        return imageSize == 224 ? 256 : imageSize;
    }

    /**
     * Builds the model with its default class count.
     *
     * @return a new, uninitialised model
     */
    public ImageClassifier create() {
        return create(numClasses);
    }

    /**
     * Builds the model for a given class count.
     *
     * @param classes the number of classes, {@code > 0}
     * @return a new, uninitialised model
     */
    public ImageClassifier create(int classes) {
        if (classes <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0, got " + classes);
        }
        return create(classes, inChannels);
    }

    /**
     * Builds the model for a class count and an input channel count, e.g. 1 channel for
     * Fashion-MNIST: only the first convolution changes.
     *
     * @param classes the number of classes, {@code > 0}
     * @param channels the input channels, {@code > 0}
     * @return a new, uninitialised model
     */
    public ImageClassifier create(int classes, int channels) {
        if (classes <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0, got " + classes);
        }
        if (channels <= 0) {
            throw new IllegalArgumentException("inChannels must be > 0, got " + channels);
        }
        return create(b -> b.numClasses(classes).inChannels(channels));
    }

    /**
     * Builds the model after adjusting its builder, which starts with this entry's architecture
     * and defaults:
     *
     * <pre>{@code
     * ImageClassifier model = Models.spec("efficientnet_b0").create(b -> b.dropout(0.3).numClasses(10));
     * }</pre>
     *
     * @param adjust changes the settings (the shared ones of {@link ClassifierBuilder}; cast to the
     *     family's builder, or use the family's variant table, for the others)
     * @return a new, uninitialised model
     * @throws IllegalArgumentException for an invalid setting
     */
    public ImageClassifier create(Consumer<? super ClassifierBuilder<?>> adjust) {
        ClassifierBuilder<?> b = builder();
        adjust.accept(b);
        ImageClassifier model = b.build();
        if (model.numClasses() != b.numClasses() || model.inChannels() != b.inChannels()) {
            throw new IllegalStateException("the builder of " + name + " built a model with "
                    + model.numClasses() + " classes and " + model.inChannels()
                    + " input channels, not " + b.numClasses() + " and " + b.inChannels());
        }
        return model;
    }

    /**
     * Returns a new builder with this entry's architecture, class count and input channels.
     *
     * @return a builder to adjust and {@linkplain ClassifierBuilder#build() build}
     */
    public ClassifierBuilder<?> builder() {
        ClassifierBuilder<?> b = Objects.requireNonNull(preset.get(), "preset of " + name);
        b.numClasses(numClasses).inChannels(inChannels);
        return b;
    }
}
