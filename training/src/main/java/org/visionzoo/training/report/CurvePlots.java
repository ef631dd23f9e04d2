package org.visionzoo.training.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.visionzoo.core.io.AtomicFile;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Learning curves of a run as PNG images, drawn with JFreeChart without a display: {@value
 * #LOSS_FILE} (training loss per step window and per epoch, validation loss per epoch) and {@value
 * #ACCURACY_FILE} (training top-1 per step window and per epoch, validation top-1 and top-5 per
 * epoch, in percent). The x axis counts epochs; step windows sit at their fraction of an epoch, so
 * that even a one-epoch run draws a curve.
 *
 * <p>NaN values (e.g. epochs without validation) are left out of their curve; a curve with no
 * value at all is left out of its chart. Points are marked on curves of up to {@value
 * #MAX_MARKED_POINTS} points, so a single epoch shows as a dot rather than an empty chart.
 *
 * <p>Loading this class sets the system property {@code java.awt.headless} to {@code true} unless
 * it is already set, so the charts render on machines without a display.
 */
public final class CurvePlots {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The file name of the loss chart. */
    public static final String LOSS_FILE = "loss.png";

    /** The file name of the accuracy chart. */
    public static final String ACCURACY_FILE = "accuracy.png";

    /** The width of each image in pixels. */
    public static final int WIDTH = 800;

    /** The height of each image in pixels. */
    public static final int HEIGHT = 500;

    /** Curves with at most this many points get a marker on each point. */
    static final int MAX_MARKED_POINTS = 50;

    private CurvePlots() {}

    /**
     * Draws the curves into {@code dir} (created if missing), replacing each image atomically
     * (written to a temporary file in {@code dir}, then renamed), so a viewer never sees a
     * half-written image.
     *
     * @param records the epochs to plot, in any order, at least one
     * @param dir the folder to write {@value #LOSS_FILE} and {@value #ACCURACY_FILE} into
     * @param title the run's name, shown in each chart's title (e.g. {@code "resnet18 cifar10"})
     * @return the paths of the loss chart and the accuracy chart, in that order
     * @throws IllegalArgumentException if {@code records} is empty
     * @throws UncheckedIOException if an image cannot be written (the message names it)
     */
    public static List<Path> write(List<EpochRecord> records, Path dir, String title) {
        return write(records, List.of(), dir, title);
    }

    /**
     * As {@link #write(List, Path, String)}, with per-step training curves.
     *
     * @param records the epochs to plot, in any order, at least one
     * @param steps the step windows to plot (may be empty)
     * @param dir the folder to write {@value #LOSS_FILE} and {@value #ACCURACY_FILE} into
     * @param title the run's name, shown in each chart's title
     * @return the paths of the loss chart and the accuracy chart, in that order
     * @throws IllegalArgumentException if {@code records} is empty
     * @throws UncheckedIOException if an image cannot be written (the message names it)
     */
    public static List<Path> write(List<EpochRecord> records, List<StepRecord> steps, Path dir, String title) {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(title, "title");
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no epochs to plot");
        }
        String prefix = title.isBlank() ? "" : title.strip() + ": ";

        XYSeriesCollection loss = new XYSeriesCollection();
        addSeries(loss, "train (steps)", steps, StepRecord::epoch, StepRecord::trainLoss, 1);
        addSeries(loss, "train", records, EpochRecord::epoch, EpochRecord::trainLoss, 1);
        addSeries(loss, "val", records, EpochRecord::epoch, EpochRecord::valLoss, 1);
        JFreeChart lossChart = chart(prefix + "loss", "loss", loss,
                Math.max(0.1 * largestMagnitude(loss), 1e-6));

        XYSeriesCollection accuracy = new XYSeriesCollection();
        addSeries(accuracy, "train top-1 (steps)", steps, StepRecord::epoch, StepRecord::trainTop1, 100);
        addSeries(accuracy, "train top-1", records, EpochRecord::epoch, EpochRecord::trainTop1, 100);
        addSeries(accuracy, "val top-1", records, EpochRecord::epoch, EpochRecord::valTop1, 100);
        addSeries(accuracy, "val top-5", records, EpochRecord::epoch, EpochRecord::valTop5, 100);
        JFreeChart accuracyChart = chart(prefix + "accuracy", "accuracy (%)", accuracy, 5.0);

        Path lossFile = dir.resolve(LOSS_FILE);
        Path accuracyFile = dir.resolve(ACCURACY_FILE);
        save(lossChart, lossFile);
        save(accuracyChart, accuracyFile);
        return List.of(lossFile, accuracyFile);
    }

    /** Adds the finite points {@code (x(r), value(r) * scale)} of the rows as a series, if any. */
    private static <R> void addSeries(XYSeriesCollection dataset, String name, List<R> rows,
            ToDoubleFunction<R> x, ToDoubleFunction<R> value, double scale) {
        XYSeries series = new XYSeries(name, true, false);
        for (R r : rows) {
            double v = value.applyAsDouble(r);
            if (Double.isFinite(v)) {
                series.addOrUpdate(x.applyAsDouble(r), v * scale);
            }
        }
        if (!series.isEmpty()) {
            dataset.addSeries(series);
        }
    }

    private static double largestMagnitude(XYSeriesCollection dataset) {
        double largest = 0;
        for (int i = 0; i < dataset.getSeriesCount(); i++) {
            for (int j = 0; j < dataset.getItemCount(i); j++) {
                largest = Math.max(largest, Math.abs(dataset.getYValue(i, j)));
            }
        }
        return largest;
    }

    /**
     * A line chart of the dataset.
     *
     * @param minYRange the smallest height of the y axis, so that flat curves (a single epoch)
     *     get readable ticks instead of a range of almost zero
     */
    private static JFreeChart chart(String title, String yLabel, XYSeriesCollection dataset,
            double minYRange) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", yLabel, dataset,
                PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(false);
        y.setAutoRangeMinimumSize(minYRange);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < dataset.getSeriesCount(); i++) {
            boolean steps = dataset.getSeriesKey(i).toString().endsWith("(steps)");
            renderer.setSeriesStroke(i, new BasicStroke(steps ? 1f : 2f));
            renderer.setSeriesShapesVisible(i, !steps && dataset.getItemCount(i) <= MAX_MARKED_POINTS);
        }
        plot.setRenderer(renderer);
        return chart;
    }

    private static void save(JFreeChart chart, Path file) {
        try {
            AtomicFile.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
        } catch (IOException e) {
            String message = file + ": cannot write the chart: " + e;
            throw new UncheckedIOException(message, new IOException(message, e));
        }
    }
}
