/**
 * Pretrained ImageNet weights: torchvision's catalogue, download and cache, and the evaluation
 * preprocessing the published accuracies were measured with.
 *
 * <ul>
 *   <li>{@link org.visionzoo.core.pretrained.WeightsCatalogue}: every torchvision weights entry of
 *       the families VisionZoo builds ({@link org.visionzoo.core.pretrained.PretrainedWeights}),
 *       generated from torchvision and test-checked against it.
 *   <li>{@link org.visionzoo.core.pretrained.Pretrained}: downloads an entry on first use into a
 *       cache (checksummed, one download per file across processes, offline mode) and builds the
 *       model with the weights loaded.
 *   <li>{@link org.visionzoo.core.pretrained.EvalTransform}: torchvision's evaluation transform on
 *       its PIL path (antialiased bilinear or bicubic resize, centre crop, normalisation).
 * </ul>
 */
package org.visionzoo.core.pretrained;
