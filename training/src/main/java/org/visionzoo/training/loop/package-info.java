/**
 * The training loop for any DJL block that maps images to logits.
 *
 * <ul>
 *   <li>{@link org.visionzoo.training.loop.Trainer}: fit / evaluate / predict, per-iteration
 *       schedules, gradient clipping, {@link org.visionzoo.training.loop.TrainingListener}s,
 *       early stopping, and a {@link org.visionzoo.training.loop.TrainingDivergedException} when
 *       the loss is NaN or infinite (the update is not applied; the last checkpoint is kept).
 *   <li>{@link org.visionzoo.training.loop.Ema}: torchvision's exponential moving average of the
 *       weights and buffers, swapped in for evaluation.
 *   <li>{@link org.visionzoo.training.loop.Checkpoint}: one safetensors file, written atomically,
 *       with the weights, the optimizer's buffers, the EMA and the run's state; resuming gives the
 *       weights of an uninterrupted run bit for bit on the CPU.
 *   <li>{@link org.visionzoo.training.loop.Devices}: {@code auto | cpu | gpu | gpu:0,1 | cpu:N};
 *       several devices train data-parallel with gradients averaged and one update per step.
 * </ul>
 */
package org.visionzoo.training.loop;
