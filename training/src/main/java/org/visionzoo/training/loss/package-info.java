/**
 * Loss functions with PyTorch's exact semantics on DJL arrays.
 *
 * <p>{@link org.visionzoo.training.loss.CrossEntropy} is {@code torch.nn.CrossEntropyLoss} for
 * (N, K) logits with class-index or soft (mixup/cutmix) targets, label smoothing and mean / sum /
 * none reduction. Losses are differentiable (call them inside a {@code GradientCollector}) and
 * close every temporary they create: only the returned array survives a call.
 */
package org.visionzoo.training.loss;
