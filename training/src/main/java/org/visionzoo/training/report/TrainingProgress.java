package org.visionzoo.training.report;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;

/**
 * A console progress bar for one epoch (or one validation pass): batches done, percent, elapsed
 * time and ETA, followed by the running loss and the throughput, e.g.
 *
 * <pre>{@code
 * epoch 3/90 57% [=========>         ] 221/391 (0:00:27 / 0:00:20) loss 0.4312, 812 img/s
 * }</pre>
 *
 * <p>Built on {@code me.tongfei.progressbar} with its ASCII style (readable in CI logs) and a
 * fixed line width (no terminal is probed). The bar is redrawn from a background thread every
 * {@value #UPDATE_INTERVAL_MILLIS} ms; {@link #close()} draws the final state and ends the line.
 * A disabled progress (for tests and {@code --quiet}) prints nothing and starts no thread.
 *
 * <p>Call {@link #step(long, double)} from one thread (the training loop).
 */
public final class TrainingProgress implements AutoCloseable {

    /** How often the bar is redrawn, in milliseconds. */
    static final int UPDATE_INTERVAL_MILLIS = 500;

    /** The widest line the bar draws. */
    static final int MAX_LINE_LENGTH = 120;

    private final ProgressBar bar;
    private final long startNanos;
    private long images;
    private boolean closed;

    private TrainingProgress(ProgressBar bar) {
        this.bar = bar;
        this.startNanos = System.nanoTime();
    }

    /**
     * Starts a progress bar.
     *
     * @param task the label in front of the bar, e.g. {@code "epoch 3/90"}
     * @param totalBatches the number of batches the bar counts up to, &ge; 0
     * @param enabled {@code false} for no output at all
     * @param out where the bar is drawn, e.g. {@code System.err}; it is flushed but never closed;
     *     may be null if not enabled
     * @return the started progress
     * @throws IllegalArgumentException if totalBatches &lt; 0
     * @throws NullPointerException if task is null, or out is null while enabled
     */
    public static TrainingProgress start(String task, long totalBatches, boolean enabled,
            PrintStream out) {
        Objects.requireNonNull(task, "task");
        if (totalBatches < 0) {
            throw new IllegalArgumentException("totalBatches must be >= 0: " + totalBatches);
        }
        if (!enabled) {
            return new TrainingProgress(null);
        }
        Objects.requireNonNull(out, "out");
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalBatches)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(UPDATE_INTERVAL_MILLIS)
                .setConsumer(new ConsoleProgressBarConsumer(out, MAX_LINE_LENGTH))
                .build();
        return new TrainingProgress(bar);
    }

    /**
     * Advances the bar by one batch and updates the message with the running loss and the mean
     * throughput since {@link #start}.
     *
     * @param images the number of images in the batch, &ge; 0
     * @param runningLoss the mean loss so far in the epoch (NaN is shown as {@code NaN})
     * @throws IllegalArgumentException if images &lt; 0
     * @throws IllegalStateException if the progress is closed
     */
    public void step(long images, double runningLoss) {
        if (images < 0) {
            throw new IllegalArgumentException("images must be >= 0: " + images);
        }
        if (closed) {
            throw new IllegalStateException("the progress is closed");
        }
        this.images += images;
        if (bar == null) {
            return;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String message = String.format(Locale.ROOT, "loss %.4f", runningLoss);
        if (seconds > 0) {
            message += String.format(Locale.ROOT, ", %.0f img/s", this.images / seconds);
        }
        bar.setExtraMessage(message);
        bar.step();
    }

    /**
     * Draws the final state, ends the line and stops the redrawing thread. Closing again does
     * nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (bar != null) {
            bar.close();
        }
    }

    /**
     * Formats a duration for summary lines: {@code "42s"}, {@code "2m 05s"}, {@code "1h 02m 05s"},
     * rounded to the nearest second.
     *
     * @param seconds the duration in seconds, finite and &ge; 0
     * @return the formatted duration
     * @throws IllegalArgumentException if seconds is negative, NaN or infinite
     */
    public static String formatDuration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("seconds must be finite and >= 0: " + seconds);
        }
        long total = Math.round(seconds);
        long h = total / 3600;
        long m = total % 3600 / 60;
        long s = total % 60;
        if (h > 0) {
            return String.format(Locale.ROOT, "%dh %02dm %02ds", h, m, s);
        }
        if (m > 0) {
            return String.format(Locale.ROOT, "%dm %02ds", m, s);
        }
        return s + "s";
    }
}
