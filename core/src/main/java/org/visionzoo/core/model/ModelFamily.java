package org.visionzoo.core.model;

import java.util.function.Supplier;

/**
 * What the registry entries of one family share: its label, the default input and class count,
 * and the paper. A family's variant table (an enum, one row per model) turns each row into a
 * {@link ModelSpec} with {@link #spec}, so every family registers its models the same way.
 *
 * @param label the family's name as people write it (e.g. {@code ResNeXt})
 * @param imageSize the default input size of its models
 * @param numClasses the default number of classes (1000 for ImageNet, 10 for CIFAR)
 * @param paper the paper the architecture comes from
 */
public record ModelFamily(String label, int imageSize, int numClasses, String paper) {

    /**
     * The registry entry of one variant at the family's input size, with torchvision's usual
     * evaluation resize ({@link ModelSpec#defaultEvalResize(int)}).
     *
     * @param name the registry name
     * @param params trainable parameters at the default class count
     * @param macs multiply-accumulates of one image at the default input size
     * @param preset makes a new builder with the variant's architecture
     * @return the entry
     */
    public ModelSpec spec(
            String name, long params, long macs, Supplier<? extends ClassifierBuilder<?>> preset) {
        return spec(name, imageSize, ModelSpec.defaultEvalResize(imageSize), params, macs, preset);
    }

    /**
     * The registry entry of one variant with its own input size (EfficientNet's grow with the
     * model).
     *
     * @param name the registry name
     * @param variantImageSize the variant's input size
     * @param evalResize the variant's evaluation resize, {@code >= variantImageSize}
     * @param params trainable parameters at the default class count
     * @param macs multiply-accumulates of one image at the variant's input size
     * @param preset makes a new builder with the variant's architecture
     * @return the entry
     */
    public ModelSpec spec(
            String name,
            int variantImageSize,
            int evalResize,
            long params,
            long macs,
            Supplier<? extends ClassifierBuilder<?>> preset) {
        return new ModelSpec(name, label, variantImageSize, evalResize, numClasses, 3, params, macs,
                paper, preset);
    }
}
