package org.visionzoo.training.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import org.visionzoo.core.model.GradMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A K x K confusion matrix of counts: row = true class, column = predicted class (scikit-learn's
 * convention), accumulated over batches.
 *
 * <p>Holds one {@code long[K][K]} (no {@code NDArray}); not thread-safe: confine to one thread.
 */
public final class ConfusionMatrix {

    private static final String CORNER = "actual \\ predicted";
    private static final String RECALL = "recall";
    private static final String GAP = "  ";

    private final int numClasses;
    private final long[][] counts;

    /**
     * An empty matrix.
     *
     * @param numClasses K &ge; 1
     * @throws IllegalArgumentException if numClasses &lt; 1 or above 65536
     */
    public ConfusionMatrix(int numClasses) {
        if (numClasses < 1 || numClasses > 65536) {
            throw new IllegalArgumentException("numClasses must be in [1, 65536]: " + numClasses);
        }
        this.numClasses = numClasses;
        this.counts = new long[numClasses][numClasses];
    }

    /**
     * The number of classes K.
     *
     * @return K
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Adds a batch, predicting each sample's class as the arg-max of its logits (NaN counts as the
     * maximum, as in torch).
     *
     * @param logits scores of shape (N, K), floating point; N may be 0
     * @param labels true classes of shape (N,), an integer type, each in [0, K)
     * @throws IllegalArgumentException if a shape or type does not fit or a label is out of range
     *     (nothing is counted then)
     */
    @SuppressWarnings("try")
    public void update(NDArray logits, NDArray labels) {
        long n = Inputs.checkLogits(logits, labels);
        if (logits.getShape().get(1) != numClasses) {
            throw new IllegalArgumentException("logits " + logits.getShape() + " have "
                    + logits.getShape().get(1) + " classes, the matrix " + numClasses
                    + " (labels " + labels.getShape() + ")");
        }
        long[] actual = Inputs.classIndices("labels", labels, n, numClasses, "logits", logits);
        if (n == 0) {
            return;
        }
        long[] predicted;
        try (GradMode off = GradMode.disabled();
                NDArray arg = logits.argMax(1);
                NDArray arg64 = arg.toType(DataType.INT64, true)) {
            predicted = arg64.toLongArray();
        }
        count(actual, predicted);
    }

    /**
     * Adds a batch of predicted classes.
     *
     * @param predicted predicted classes of shape (N,), an integer type, each in [0, K)
     * @param labels true classes of shape (N,), an integer type, each in [0, K)
     * @throws IllegalArgumentException if a shape or type does not fit or a value is out of range
     *     (nothing is counted then)
     */
    public void updatePredictions(NDArray predicted, NDArray labels) {
        Objects.requireNonNull(predicted, "predicted");
        Objects.requireNonNull(labels, "labels");
        if (predicted.getShape().dimension() != 1) {
            throw new IllegalArgumentException("predicted must have shape (N,), got predicted "
                    + predicted.getShape() + " and labels " + labels.getShape());
        }
        long n = predicted.getShape().get(0);
        long[] p = Inputs.classIndices("predicted", predicted, n, numClasses, "labels", labels);
        long[] a = Inputs.classIndices("labels", labels, n, numClasses, "predicted", predicted);
        count(a, p);
    }

    /**
     * Adds one sample.
     *
     * @param actual the true class in [0, K)
     * @param predicted the predicted class in [0, K)
     * @throws IllegalArgumentException if a class is out of range
     */
    public void add(int actual, int predicted) {
        if (actual < 0 || actual >= numClasses || predicted < 0 || predicted >= numClasses) {
            throw new IllegalArgumentException("actual " + actual + " and predicted " + predicted
                    + " must be in [0, " + numClasses + ")");
        }
        counts[actual][predicted]++;
    }

    private void count(long[] actual, long[] predicted) {
        for (int i = 0; i < actual.length; i++) {
            counts[(int) actual[i]][(int) predicted[i]]++;
        }
    }

    /**
     * One count.
     *
     * @param actual the true class
     * @param predicted the predicted class
     * @return how many samples of class {@code actual} were predicted as {@code predicted}
     * @throws IndexOutOfBoundsException if a class is out of range
     */
    public long count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    /**
     * The counts.
     *
     * @return a copy, indexed [actual][predicted]
     */
    public long[][] counts() {
        long[][] c = new long[numClasses][];
        for (int i = 0; i < numClasses; i++) {
            c[i] = counts[i].clone();
        }
        return c;
    }

    /**
     * The number of samples added.
     *
     * @return the sum of all counts
     */
    public long total() {
        long t = 0;
        for (long[] row : counts) {
            for (long c : row) {
                t += c;
            }
        }
        return t;
    }

    /**
     * Overall accuracy: the trace over the total.
     *
     * @return a value in [0, 1], or NaN before any sample
     */
    public double accuracy() {
        long total = total();
        if (total == 0) {
            return Double.NaN;
        }
        long diag = 0;
        for (int i = 0; i < numClasses; i++) {
            diag += counts[i][i];
        }
        return (double) diag / total;
    }

    /**
     * Per-class accuracy, i.e. each class's recall: correct predictions of the class over its
     * samples (diagonal over row sum).
     *
     * @return K values in [0, 1]; NaN for a class without samples
     */
    public double[] perClassAccuracy() {
        double[] r = new double[numClasses];
        for (int i = 0; i < numClasses; i++) {
            long row = 0;
            for (long c : counts[i]) {
                row += c;
            }
            r[i] = row == 0 ? Double.NaN : (double) counts[i][i] / row;
        }
        return r;
    }

    /**
     * Per-class precision: correct predictions of the class over all predictions of it (diagonal
     * over column sum).
     *
     * @return K values in [0, 1]; NaN for a class never predicted
     */
    public double[] precision() {
        double[] r = new double[numClasses];
        for (int j = 0; j < numClasses; j++) {
            long col = 0;
            for (int i = 0; i < numClasses; i++) {
                col += counts[i][j];
            }
            r[j] = col == 0 ? Double.NaN : (double) counts[j][j] / col;
        }
        return r;
    }

    /** Forgets every sample. */
    public void reset() {
        for (long[] row : counts) {
            java.util.Arrays.fill(row, 0L);
        }
    }

    /**
     * {@link #toTable(List)} with the class indices as names.
     *
     * @return the table
     */
    public String toTable() {
        List<String> names = new ArrayList<>(numClasses);
        for (int i = 0; i < numClasses; i++) {
            names.add(Integer.toString(i));
        }
        return toTable(names);
    }

    /**
     * A fixed-width text table: a header line ({@code actual \ predicted}, the class names, {@code
     * recall}), one line per true class (its name left-aligned, the counts right-aligned, its
     * recall as {@code 83.33%} or {@code -} without samples), and a last line {@code accuracy
     * 90.00% (9/10)}. Columns are separated by two spaces; every count column has the width of the
     * longest class name or count; each line ends with {@code \n}.
     *
     * @param classNames K names without line breaks
     * @return the table
     * @throws IllegalArgumentException if there are not K names or a name is null or has a line
     *     break
     */
    public String toTable(List<String> classNames) {
        Objects.requireNonNull(classNames, "classNames");
        if (classNames.size() != numClasses) {
            throw new IllegalArgumentException("classNames has " + classNames.size()
                    + " names for " + numClasses + " classes");
        }
        int nameWidth = CORNER.length();
        int cellWidth = 1;
        for (int i = 0; i < numClasses; i++) {
            String name = classNames.get(i);
            if (name == null || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("class name " + i
                        + " must be non-null without line breaks: " + name);
            }
            nameWidth = Math.max(nameWidth, name.length());
            cellWidth = Math.max(cellWidth, name.length());
            for (long c : counts[i]) {
                cellWidth = Math.max(cellWidth, Long.toString(c).length());
            }
        }
        int recallWidth = "100.00%".length();
        StringBuilder sb = new StringBuilder();
        sb.append(padRight(CORNER, nameWidth));
        for (String name : classNames) {
            sb.append(GAP).append(padLeft(name, cellWidth));
        }
        sb.append(GAP).append(padLeft(RECALL, recallWidth)).append('\n');
        double[] recall = perClassAccuracy();
        for (int i = 0; i < numClasses; i++) {
            sb.append(padRight(classNames.get(i), nameWidth));
            for (long c : counts[i]) {
                sb.append(GAP).append(padLeft(Long.toString(c), cellWidth));
            }
            sb.append(GAP).append(padLeft(percent(recall[i]), recallWidth)).append('\n');
        }
        long total = total();
        long diag = 0;
        for (int i = 0; i < numClasses; i++) {
            diag += counts[i][i];
        }
        sb.append("accuracy ").append(percent(accuracy())).append(" (").append(diag).append('/')
                .append(total).append(")\n");
        return sb.toString();
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }

    private static String padRight(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    @Override
    public String toString() {
        return "ConfusionMatrix[numClasses=" + numClasses + ", total=" + total() + "]";
    }
}
