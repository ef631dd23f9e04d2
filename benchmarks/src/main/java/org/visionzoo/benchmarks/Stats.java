package org.visionzoo.benchmarks;

import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Summary statistics of repeated measurements, computed with Apache Commons Math.
 *
 * <p>Percentiles use estimation type R-7 (linear interpolation between order statistics, numpy's
 * default), so the median of an even-sized sample is the mean of the two middle values. The
 * confidence interval is the two-sided Student-t interval of the mean, {@code mean +- t(1 -
 * alpha/2, n - 1) * s / sqrt(n)}; with one value it is the degenerate {@code [x, x]}.
 *
 * @param n the number of values
 * @param median the median
 * @param mean the arithmetic mean
 * @param stdDev the sample standard deviation (n - 1 in the denominator; 0 for one value)
 * @param min the smallest value
 * @param max the largest value
 * @param ciLow the lower end of the 95% confidence interval of the mean
 * @param ciHigh the upper end of the 95% confidence interval of the mean
 */
public record Stats(
        int n, double median, double mean, double stdDev, double min, double max, double ciLow, double ciHigh) {

    /** The confidence level of {@link #ciLow} and {@link #ciHigh}. */
    public static final double CONFIDENCE = 0.95;

    /**
     * Summarises values.
     *
     * @param values at least one finite value
     * @return the statistics
     * @throws IllegalArgumentException if {@code values} is empty
     */
    public static Stats of(List<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Summarises values.
     *
     * @param values at least one finite value
     * @return the statistics
     * @throws IllegalArgumentException if {@code values} is empty
     */
    public static Stats of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        DescriptiveStatistics d = new DescriptiveStatistics(values);
        int n = values.length;
        double mean = d.getMean();
        double sd = n > 1 ? d.getStandardDeviation() : 0;
        double half = 0;
        if (n > 1) {
            double t = new TDistribution(n - 1).inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);
            half = t * sd / Math.sqrt(n);
        }
        return new Stats(n, percentile(values, 50), mean, sd, d.getMin(), d.getMax(), mean - half, mean + half);
    }

    /**
     * Returns a percentile (R-7 estimation).
     *
     * @param values at least one value
     * @param p the percentile, in (0, 100]
     * @return the percentile
     */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(values, p);
    }

    /**
     * Half the width of the confidence interval.
     *
     * @return {@code (ciHigh - ciLow) / 2}
     */
    public double ciHalfWidth() {
        return (ciHigh - ciLow) / 2;
    }
}
