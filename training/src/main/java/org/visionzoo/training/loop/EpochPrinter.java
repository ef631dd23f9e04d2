package org.visionzoo.training.loop;

import org.visionzoo.training.report.EpochRecord;
import org.visionzoo.training.report.TrainingProgress;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;

/**
 * A listener that prints one line per epoch: training loss and top-1, validation loss, top-1 and
 * top-5, learning rate, throughput and duration (what {@code zoo train} shows).
 */
public final class EpochPrinter implements TrainingListener {

    private final PrintWriter out;
    private final int epochs;

    /**
     * @param out where to print, flushed after each line
     * @param epochs the run's epochs, shown as {@code epoch 3/10}
     */
    public EpochPrinter(PrintWriter out, int epochs) {
        this.out = Objects.requireNonNull(out, "out");
        this.epochs = epochs;
    }

    @Override
    public void onEpochEnd(EpochRecord r, EvalResult v) {
        out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f top-1 %.2f%%  val loss %.4f top-1 %.2f%% top-5 %.2f%%"
                + "  lr %.4g  %.0f img/s  %s%n", r.epoch(), epochs, r.trainLoss(), 100 * r.trainTop1(),
                r.valLoss(), 100 * r.valTop1(), 100 * r.valTop5(), r.lr(), r.imagesPerSecond(),
                TrainingProgress.formatDuration(r.seconds()));
        out.flush();
    }
}
