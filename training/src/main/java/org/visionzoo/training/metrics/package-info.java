/**
 * Evaluation metrics that accumulate batch by batch: {@link org.visionzoo.training.metrics.TopK}
 * accuracy, a {@link org.visionzoo.training.metrics.ConfusionMatrix} and a {@link
 * org.visionzoo.training.metrics.RunningMean} for losses.
 *
 * <p>Each update reads what it needs from the batch's DJL arrays (with grad mode off, closing every
 * temporary) and keeps only Java counters, never an {@code NDArray}: memory stays flat over any
 * number of batches, and the caller may close the batch right after the update. An update
 * validates the whole batch before counting anything, so a rejected batch leaves the accumulator
 * unchanged. The accumulators are not thread-safe: confine each to one thread (or guard it
 * externally) and combine per-thread results at the end.
 */
package org.visionzoo.training.metrics;
