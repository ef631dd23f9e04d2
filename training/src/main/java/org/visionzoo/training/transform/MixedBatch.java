package org.visionzoo.training.transform;

/**
 * The result of a {@link BatchTransform}: the images were mixed in place; these are the soft
 * targets.
 *
 * @param targets {@code N * numClasses} soft targets, row-major; each row sums to 1
 * @param numClasses classes per row
 * @param lambda the weight of each sample's own label (for CutMix, corrected by the box area)
 * @param box the pasted rectangle for CutMix, {@code null} for Mixup
 */
public record MixedBatch(float[] targets, int numClasses, double lambda, CropBox box) {}
