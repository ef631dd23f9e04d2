package org.visionzoo.core.model;

import java.util.Objects;

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
 * @param factory builds the model for a class count and an input channel count
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
        ModelFactory factory) {

    /** Validates the entry. */
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(paper, "paper");
        Objects.requireNonNull(factory, "factory");
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
     * An entry whose evaluation resize is {@link #defaultEvalResize(int)} of its image size (the
     * constructor of the entries written before {@code evalResize} existed).
     *
     * @param name the registry name
     * @param family the family
     * @param imageSize the default input size
     * @param numClasses the default number of classes
     * @param inChannels the default number of input channels
     * @param params trainable parameters at the default class count
     * @param macs multiply-accumulates of one image at the default input size
     * @param paper the paper
     * @param factory builds the model
     */
    public ModelSpec(
            String name,
            String family,
            int imageSize,
            int numClasses,
            int inChannels,
            long params,
            long macs,
            String paper,
            ModelFactory factory) {
        this(name, family, imageSize, defaultEvalResize(imageSize), numClasses, inChannels, params,
                macs, paper, factory);
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
        ImageClassifier model = factory.create(classes, channels);
        if (model.numClasses() != classes || model.inChannels() != channels) {
            throw new IllegalStateException("the factory of " + name + " built a model with "
                    + model.numClasses() + " classes and " + model.inChannels()
                    + " input channels, not " + classes + " and " + channels);
        }
        return model;
    }
}
