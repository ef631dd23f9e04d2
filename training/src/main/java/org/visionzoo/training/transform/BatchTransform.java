package org.visionzoo.training.transform;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A batch-level transform that mixes samples and returns soft targets, such as {@link Mixup} and
 * {@link CutMix}. Implementations are stateless and thread-safe; randomness comes only from the
 * generator passed in.
 */
@FunctionalInterface
public interface BatchTransform {

    /**
     * Mixes a batch in place and returns its soft targets.
     *
     * @param images {@code N * channels * height * width} values, {@code N} images in
     *     {@code CHW} order; changed in place
     * @param labels {@code N} class indices
     * @param channels channels per image
     * @param height rows per image
     * @param width columns per image
     * @param rng the only source of randomness
     * @return the soft targets and the mixing weight
     * @throws IllegalArgumentException if the sizes do not fit together or a label is out of range
     */
    MixedBatch apply(float[] images, int[] labels, int channels, int height, int width,
            RandomGenerator rng);

    /**
     * Mixup, CutMix, or one of the two per batch when both are on (torchvision's reference recipe).
     *
     * @param mixupAlpha Mixup's alpha, or 0 for off
     * @param cutmixAlpha CutMix's alpha, or 0 for off
     * @param numClasses the class count
     * @return the transform, or {@code null} when both are off
     */
    static BatchTransform mixing(double mixupAlpha, double cutmixAlpha, int numClasses) {
        java.util.List<BatchTransform> ts = new java.util.ArrayList<>();
        if (mixupAlpha > 0) {
            ts.add(new Mixup(mixupAlpha, numClasses));
        }
        if (cutmixAlpha > 0) {
            ts.add(new CutMix(cutmixAlpha, numClasses));
        }
        return ts.isEmpty() ? null : ts.size() == 1 ? ts.get(0) : randomChoice(ts.toArray(new BatchTransform[0]));
    }

    /**
     * Applies one of the given transforms, chosen uniformly per batch (torchvision's
     * {@code RandomChoice([CutMix(), MixUp()])}).
     *
     * @param choices the transforms, at least one
     * @return the random choice
     */
    static BatchTransform randomChoice(BatchTransform... choices) {
        List<BatchTransform> list = List.copyOf(List.of(choices));
        if (list.isEmpty()) {
            throw new IllegalArgumentException("choices must hold at least one transform, got 0");
        }
        return (images, labels, c, h, w, rng) ->
                list.get(Transforms.uniformInt(rng, list.size()))
                        .apply(images, labels, c, h, w, rng);
    }
}
