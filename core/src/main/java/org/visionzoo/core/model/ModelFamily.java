package org.visionzoo.core.model;

import java.util.function.Supplier;

/**
 * What the registry entries of one family share: its label, the default input and class count,
 * and the paper. A family's variant table (an enum, one row per model) gives each row its {@link
 * Variant} — the facts every row has — and implements {@link Row}, so every family names and
 * registers its models the same way.
 *
 * @param label the family's name as people write it (e.g. {@code ResNeXt})
 * @param imageSize the default input size of its models
 * @param numClasses the default number of classes (1000 for ImageNet, 10 for CIFAR)
 * @param paper the paper the architecture comes from
 */
public record ModelFamily(String label, int imageSize, int numClasses, String paper) {

    /**
     * The facts of one variant at the family's input size, with torchvision's usual evaluation
     * resize ({@link ModelSpec#defaultEvalResize(int)}).
     *
     * @param name the registry name
     * @param params trainable parameters at the default class count
     * @param macs multiply-accumulates of one image at the default input size
     * @return the variant
     */
    public Variant variant(String name, long params, long macs) {
        return variant(name, imageSize, ModelSpec.defaultEvalResize(imageSize), params, macs);
    }

    /**
     * The facts of one variant with its own input size (EfficientNet's grow with the model).
     *
     * @param name the registry name
     * @param variantImageSize the variant's input size
     * @param evalResize the variant's evaluation resize, {@code >= variantImageSize}
     * @param params trainable parameters at the default class count
     * @param macs multiply-accumulates of one image at the variant's input size
     * @return the variant
     */
    public Variant variant(String name, int variantImageSize, int evalResize, long params, long macs) {
        return new Variant(this, name, variantImageSize, evalResize, params, macs);
    }

    /**
     * The facts every row of a variant table has: its family, registry name, input size and
     * recorded counts.
     *
     * @param family the family
     * @param name the registry name
     * @param imageSize the default input size
     * @param evalResize the evaluation resize, {@code >= imageSize}
     * @param params trainable parameters at the default class count
     * @param macs multiply-accumulates of one image at the default input size
     */
    public record Variant(ModelFamily family, String name, int imageSize, int evalResize, long params, long macs) {

        /**
         * The registry entry of the variant: the family's class count, 3 input channels.
         *
         * @param preset makes a new builder with the variant's architecture
         * @return the entry
         */
        public ModelSpec spec(Supplier<? extends ClassifierBuilder<?>> preset) {
            return new ModelSpec(name, family.label(), imageSize, evalResize, family.numClasses(), 3, params,
                    macs, family.paper(), preset);
        }
    }

    /**
     * One row of a family's variant table (implemented by the family's enum): its {@link Variant}
     * and a builder preset with its architecture; the name and the registry entry follow.
     */
    public interface Row {

        /**
         * Returns the variant's facts.
         *
         * @return the facts
         */
        Variant variant();

        /**
         * Returns a new builder with this variant's architecture, its family's default class
         * count and 3 input channels.
         *
         * @return the builder
         */
        ClassifierBuilder<?> builder();

        /**
         * Returns the registry name.
         *
         * @return the name
         */
        default String modelName() {
            return variant().name();
        }

        /**
         * Returns the registry entry.
         *
         * @return the entry
         */
        default ModelSpec spec() {
            return variant().spec(this::builder);
        }
    }
}
