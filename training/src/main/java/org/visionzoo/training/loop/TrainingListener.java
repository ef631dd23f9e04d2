package org.visionzoo.training.loop;

import org.visionzoo.training.report.EpochRecord;

/**
 * Callbacks from {@link Trainer#fit}, all on the training thread. Every method has an empty
 * default, so a listener overrides only what it needs. A listener may ask the loop to stop after
 * the current epoch with {@link Trainer#requestStop}.
 */
public interface TrainingListener {

    /**
     * Called once before the first epoch of this call to {@code fit}.
     *
     * @param firstEpoch the 1-based epoch about to run (greater than 1 after a resume)
     * @param epochs the last epoch
     * @param batchesPerEpoch batches in each epoch
     */
    default void onFitStart(int firstEpoch, int epochs, int batchesPerEpoch) {}

    /**
     * Called after each optimizer step.
     *
     * @param epoch the 1-based epoch
     * @param batch the 0-based batch
     * @param loss the batch's loss
     * @param lr the learning rate the step used
     * @param images the images in the batch
     */
    default void onBatchEnd(int epoch, int batch, double loss, double lr, int images) {}

    /**
     * Called after each epoch, its evaluation and its checkpoint.
     *
     * @param record the epoch's figures
     * @param validation its evaluation, or {@code null} without validation data
     */
    default void onEpochEnd(EpochRecord record, EvalResult validation) {}

    /**
     * Called once when {@code fit} ends normally (not after an exception).
     *
     * @param result the outcome
     */
    default void onFitEnd(FitResult result) {}
}
