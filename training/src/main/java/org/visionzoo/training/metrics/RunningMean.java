package org.visionzoo.training.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import org.visionzoo.core.model.GradMode;

import java.util.Objects;

/**
 * A weighted running mean, for losses over an epoch, with compensated (Kahan) summation.
 *
 * <p>To get the per-sample mean over an epoch from mean-reduced batch losses, add each with its
 * batch size ({@link #add(NDArray, long)}); a per-sample loss (reduction none) can be added
 * directly ({@link #add(NDArray)}). A NaN or infinite value makes the mean non-finite from then on
 * (until {@link #reset()}), so a diverged loss stays visible.
 *
 * <p>Holds only Java numbers (no {@code NDArray}); not thread-safe: confine to one thread.
 */
public final class RunningMean {

    private double sum;
    private double compensation;
    private long count;

    /** An empty mean. */
    public RunningMean() {}

    /**
     * Adds one value with weight 1.
     *
     * @param value the value
     */
    public void add(double value) {
        add(value, 1);
    }

    /**
     * Adds a value standing for {@code weight} samples (e.g. a batch's mean loss and its size).
     *
     * @param value the value
     * @param weight the number of samples it stands for, &ge; 1
     * @throws IllegalArgumentException if weight &lt; 1
     */
    public void add(double value, long weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be >= 1: " + weight);
        }
        accumulate(value * weight);
        count += weight;
    }

    /**
     * Adds every element of {@code values} with weight 1 (a scalar counts once, a per-sample loss
     * of shape (N,) counts N times).
     *
     * @param values an array of a floating or integer type
     */
    public void add(NDArray values) {
        double[] v = read(values);
        for (double x : v) {
            accumulate(x);
        }
        count += v.length;
    }

    /**
     * Adds a scalar, such as a mean-reduced batch loss, standing for {@code weight} samples.
     *
     * @param scalar an array with exactly one element
     * @param weight the number of samples it stands for (the batch size), &ge; 1
     * @throws IllegalArgumentException if {@code scalar} has not exactly one element or weight
     *     &lt; 1
     */
    public void add(NDArray scalar, long weight) {
        Objects.requireNonNull(scalar, "scalar");
        if (scalar.size() != 1) {
            throw new IllegalArgumentException("expected a single value, got shape " + scalar.getShape());
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be >= 1: " + weight);
        }
        add(read(scalar)[0], weight);
    }

    @SuppressWarnings("try")
    private static double[] read(NDArray a) {
        Objects.requireNonNull(a, "values");
        DataType t = a.getDataType();
        if (!t.isFloating() && !Inputs.isInteger(t)) {
            throw new IllegalArgumentException("values must be floating point or integer, got " + t
                    + " of shape " + a.getShape());
        }
        try (GradMode off = GradMode.disabled(); NDArray d = a.toType(DataType.FLOAT64, true)) {
            return d.toDoubleArray();
        }
    }

    private void accumulate(double x) {
        double y = x - compensation;
        double t = sum + y;
        compensation = (t - sum) - y;
        sum = t;
    }

    /**
     * The weighted mean.
     *
     * @return sum / count, or NaN before any value
     */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * The weighted sum.
     *
     * @return the sum of value * weight
     */
    public double sum() {
        return sum;
    }

    /**
     * The total weight.
     *
     * @return the number of samples added
     */
    public long count() {
        return count;
    }

    /** Forgets every value. */
    public void reset() {
        sum = 0;
        compensation = 0;
        count = 0;
    }

    @Override
    public String toString() {
        return "RunningMean[mean=" + mean() + ", count=" + count + "]";
    }
}
