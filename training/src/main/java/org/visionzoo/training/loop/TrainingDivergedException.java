package org.visionzoo.training.loop;

/**
 * Training stopped because the loss became NaN or infinite. The weights of the failed step were
 * not applied, and the last checkpoint written (from the last complete epoch) is kept as it was.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;

    /**
     * Creates the exception.
     *
     * @param message what happened, where, and what to try
     * @param epoch the 1-based epoch
     * @param batch the 0-based batch within it
     */
    public TrainingDivergedException(String message, int epoch, int batch) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
    }

    /**
     * The 1-based epoch in which the loss diverged.
     *
     * @return the epoch
     */
    public int epoch() {
        return epoch;
    }

    /**
     * The 0-based batch at which the loss diverged.
     *
     * @return the batch
     */
    public int batch() {
        return batch;
    }
}
