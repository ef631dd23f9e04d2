/**
 * The training library: what other applications import to train and fine-tune the zoo's models.
 *
 * <ul>
 *   <li>{@link org.visionzoo.training.data}: readers for the standard dataset distributions
 *       (MNIST / Fashion-MNIST IDX files, CIFAR-10/100 binary) and image folders, the locator
 *       that finds them, checksummed downloads on request, and the {@link
 *       org.visionzoo.training.data.DataLoader} input pipeline (background decoding and
 *       augmentation with prefetch, deterministic for a seed).
 *   <li>{@link org.visionzoo.training.optim}: optimizers with PyTorch's exact semantics (SGD with
 *       momentum, dampening, nesterov; Adam; AdamW), parameter groups, gradient clipping and
 *       per-iteration learning-rate schedules.
 *   <li>{@link org.visionzoo.training.transform}: augmentation in pure Java with torchvision's
 *       semantics (random crop with padding, flip, RandomResizedCrop, resize + center crop,
 *       normalisation, random erasing, TrivialAugmentWide, mixup, cutmix), deterministic for a
 *       seed.
 *   <li>{@link org.visionzoo.training.loss}: cross-entropy with label smoothing and soft targets,
 *       as PyTorch's {@code nn.CrossEntropyLoss}.
 *   <li>{@link org.visionzoo.training.metrics}: top-k accuracy, confusion matrix, running means,
 *       accumulated in Java arrays (flat memory).
 *   <li>{@link org.visionzoo.training.report}: the per-epoch metrics log (JSON Lines, atomic
 *       writes, resume), loss and accuracy curves as PNGs, and the console progress bar.
 *   <li>{@link org.visionzoo.training.loop}: the {@link org.visionzoo.training.loop.Trainer}
 *       (fit / evaluate / predict, listeners, early stopping, a stop on a NaN loss), the EMA of
 *       the weights, atomic checkpoints with bitwise resume, and data-parallel training over
 *       several devices.
 * </ul>
 *
 * <p>See docs/training.md for the recipes and the figures measured with them.
 */
package org.visionzoo.training;
