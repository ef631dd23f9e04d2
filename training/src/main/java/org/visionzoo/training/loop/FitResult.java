package org.visionzoo.training.loop;

import org.visionzoo.training.report.EpochRecord;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param epochs one record per epoch of this run, including those before a resume
 * @param stopReason why training ended before its last epoch ({@code null} when it ran them all)
 * @param lastValidation the last evaluation on the validation data, or {@code null} without one
 */
public record FitResult(List<EpochRecord> epochs, String stopReason, EvalResult lastValidation) {

    /** Copies the list. */
    public FitResult {
        epochs = List.copyOf(epochs);
    }

    /**
     * The last epoch's record.
     *
     * @return the record
     * @throws IllegalStateException if no epoch ran
     */
    public EpochRecord last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch ran");
        }
        return epochs.get(epochs.size() - 1);
    }
}
