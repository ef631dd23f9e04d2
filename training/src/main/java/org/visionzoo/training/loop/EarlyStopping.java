package org.visionzoo.training.loop;

import org.visionzoo.training.report.EpochRecord;

/**
 * Tracks the best validation top-1 of a run and, with a patience, asks it to stop when top-1 has
 * not improved by more than {@code minDelta} for that many epochs. The record (best top-1, its
 * epoch, the epochs since) is kept even without a patience: it goes into every checkpoint and
 * comes back on resume. The trainer runs it before the other listeners, so the checkpoint written
 * after an epoch holds that epoch's record.
 */
final class EarlyStopping implements TrainingListener {

    private final int patience;
    private final double minDelta;
    private double bestMetric = Double.NaN;
    private int bestEpoch;
    private int epochsWithoutImprovement;

    /**
     * @param patience epochs without improvement before stopping, or 0 to never stop
     * @param minDelta the improvement that counts
     */
    EarlyStopping(int patience, double minDelta) {
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public void onEpochEnd(EpochRecord record, EvalResult validation) {
        if (validation == null) {
            return;
        }
        if (Double.isNaN(bestMetric) || validation.top1() > bestMetric + minDelta) {
            bestMetric = validation.top1();
            bestEpoch = record.epoch();
            epochsWithoutImprovement = 0;
        } else {
            epochsWithoutImprovement++;
        }
    }

    /**
     * Why the run should stop now, or {@code null} to go on.
     *
     * @return the reason or {@code null}
     */
    String stopReason() {
        if (patience > 0 && epochsWithoutImprovement >= patience) {
            return "early stopping: validation top-1 did not improve by more than " + minDelta
                    + " for " + patience + " epochs (best " + String.format("%.4f", bestMetric)
                    + " at epoch " + bestEpoch + ")";
        }
        return null;
    }

    /** Restores the record of a checkpoint. */
    void restore(Checkpoint.State s) {
        bestMetric = s.bestMetric();
        bestEpoch = s.bestEpoch();
        epochsWithoutImprovement = s.epochsWithoutImprovement();
    }

    double bestMetric() {
        return bestMetric;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    int epochsWithoutImprovement() {
        return epochsWithoutImprovement;
    }
}
