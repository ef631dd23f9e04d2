package org.visionzoo.training.loop;

import org.visionzoo.training.metrics.ConfusionMatrix;

import java.util.Objects;

/**
 * The result of an evaluation pass.
 *
 * @param loss the mean cross-entropy (without label smoothing)
 * @param top1 top-1 accuracy, a fraction
 * @param top5 top-5 accuracy, a fraction ({@code top-K} with {@code K} classes when there are
 *     fewer than 5, so 1.0)
 * @param images the number of images evaluated
 * @param seconds the wall time of the pass
 * @param confusion the confusion matrix (rows: actual class, columns: predicted)
 */
public record EvalResult(
        double loss, double top1, double top5, long images, double seconds, ConfusionMatrix confusion) {

    /** Checks the matrix is present. */
    public EvalResult {
        Objects.requireNonNull(confusion, "confusion");
    }

    /**
     * Per-class accuracy (recall), from the confusion matrix.
     *
     * @return one fraction per class ({@code NaN} for a class with no image)
     */
    public double[] perClassAccuracy() {
        return confusion.perClassAccuracy();
    }

    /**
     * Images per second of the pass.
     *
     * @return the throughput
     */
    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : Double.NaN;
    }
}
