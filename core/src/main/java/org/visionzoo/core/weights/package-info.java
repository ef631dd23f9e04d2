/**
 * torchvision {@code state_dict} names for VisionZoo blocks ({@link
 * org.visionzoo.core.weights.StateDict}), and import/export of weights in safetensors and .npz
 * files ({@link org.visionzoo.core.weights.Weights}).
 */
package org.visionzoo.core.weights;
