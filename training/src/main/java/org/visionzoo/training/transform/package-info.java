/**
 * Image augmentation in pure Java on float arrays, with torchvision's semantics. DJL 0.36's own
 * transforms fall short on the PyTorch engine: {@code RandomFlipLeftRight} and {@code
 * RandomFlipTopBottom} never flip (the flipped array is discarded), {@code RandomBrightness}, {@code
 * RandomHue} and {@code RandomColorJitter} throw, {@code RandomResizedCrop} samples the aspect
 * ratio uniformly (torchvision: log-uniform) and {@code Pad} pads to a square.
 *
 * <p>Per-sample transforms ({@link org.visionzoo.training.transform.Transform}) work on a
 * {@link org.visionzoo.training.transform.Image} (float {@code CHW}, usually from
 * {@link org.visionzoo.training.transform.Image#fromU8}). They need no engine and no NDArray, are
 * stateless and thread-safe, and draw all randomness from the
 * {@link java.util.random.RandomGenerator} passed to each call (e.g. a
 * {@link java.util.SplittableRandom} seeded per sample), so a seed gives the same output on any
 * thread. A transform takes over its input image and may change it in place.
 *
 * <ul>
 *   <li>Training: {@link org.visionzoo.training.transform.RandomCrop},
 *       {@link org.visionzoo.training.transform.RandomHorizontalFlip},
 *       {@link org.visionzoo.training.transform.RandomResizedCrop},
 *       {@link org.visionzoo.training.transform.TrivialAugmentWide},
 *       {@link org.visionzoo.training.transform.RandomErasing}.
 *   <li>Evaluation: {@link org.visionzoo.training.transform.Resize} then
 *       {@link org.visionzoo.training.transform.CenterCrop}.
 *   <li>Both: {@link org.visionzoo.training.transform.Normalize} with per-dataset statistics.
 *   <li>Batch level ({@link org.visionzoo.training.transform.BatchTransform}):
 *       {@link org.visionzoo.training.transform.Mixup} and
 *       {@link org.visionzoo.training.transform.CutMix}, giving soft targets.
 * </ul>
 *
 * <p>Bilinear resizing is PyTorch's {@code align_corners=False} <em>without</em> antialiasing
 * (torchvision's tensor default is {@code antialias=True} since 0.17, and PIL always antialiases),
 * so strong downscaling differs from torchvision's current default.
 */
package org.visionzoo.training.transform;
