/**
 * VisionZoo core: what every model family shares.
 *
 * <ul>
 *   <li>{@link org.visionzoo.core.nn}: blocks written once and assembled by the families
 *       (conv-norm-activation, squeeze-excitation, stochastic depth, batch norm with PyTorch
 *       semantics, activations DJL lacks, {@code makeDivisible}).
 *   <li>{@link org.visionzoo.core.model}: the classifier contract, the registry ({@code Models}),
 *       counting parameters and MACs, and inference that keeps native memory flat.
 *   <li>{@link org.visionzoo.core.weights}: torchvision {@code state_dict} names, import and export.
 *   <li>{@link org.visionzoo.core.io}: safetensors, .npy and .npz files, read as untrusted input.
 * </ul>
 */
package org.visionzoo.core;
