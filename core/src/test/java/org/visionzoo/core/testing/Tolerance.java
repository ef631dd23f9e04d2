package org.visionzoo.core.testing;

import java.util.Locale;

/**
 * Elementwise closeness of float arrays, as {@code numpy.allclose}: every element must satisfy
 * {@code |actual - expected| <= atol + rtol * |expected|}. NaN matches only NaN, and an infinity
 * only the same infinity.
 */
public final class Tolerance {

    /** The project's default absolute tolerance for logits parity. */
    public static final double DEFAULT_ATOL = 1e-4;

    /** The project's default relative tolerance for logits parity. */
    public static final double DEFAULT_RTOL = 1e-3;

    /**
     * The part of the largest reference logit's magnitude added to the absolute tolerance when
     * whole logit vectors are compared ({@link #assertLogitsClose}). A float32 network's rounding
     * error grows with the magnitude of its activations, not with each output element's own
     * value: torchvision's resnet101 in float32 differs from the same network in float64 by up
     * to 2.6e-4 on logits as large as 26 (1e-5 of the largest), more than {@code 1e-4 + 1e-3 *
     * |e|} allows for the elements near 0. Twice that measured rate keeps the comparison no
     * tighter than the reference's own rounding, and still tens of times tighter than a faulty
     * kernel's errors (0.37 on logits of magnitude 4.3, docs/cpu-correctness.md).
     */
    public static final double LOGIT_SCALE_RTOL = 2e-5;

    private Tolerance() {}

    /**
     * Asserts closeness of logits with the project defaults and an absolute tolerance that grows
     * with the largest reference logit: {@code |a - e| <= 1e-4 + 2e-5 * max|e| + 1e-3 * |e|} (see
     * {@link #LOGIT_SCALE_RTOL}).
     *
     * @param what what is compared (e.g. "resnet50 logits")
     * @param actual what the code under test computed
     * @param expected the reference logits
     */
    public static void assertLogitsClose(String what, float[] actual, float[] expected) {
        double scale = 0;
        if (expected != null) {
            for (float e : expected) {
                if (Float.isFinite(e)) {
                    scale = Math.max(scale, Math.abs(e));
                }
            }
        }
        assertAllClose(what, actual, expected, DEFAULT_ATOL + LOGIT_SCALE_RTOL * scale, DEFAULT_RTOL);
    }

    /**
     * Asserts closeness with the project defaults ({@value #DEFAULT_ATOL}, {@value #DEFAULT_RTOL}).
     *
     * @param actual what the code under test computed
     * @param expected the reference (e.g. torchvision's logits)
     */
    public static void assertAllClose(float[] actual, float[] expected) {
        assertAllClose(null, actual, expected, DEFAULT_ATOL, DEFAULT_RTOL);
    }

    /**
     * Asserts closeness with the project defaults, naming what is compared in the message.
     *
     * @param what what is compared (e.g. "resnet50 logits")
     * @param actual what the code under test computed
     * @param expected the reference
     */
    public static void assertAllClose(String what, float[] actual, float[] expected) {
        assertAllClose(what, actual, expected, DEFAULT_ATOL, DEFAULT_RTOL);
    }

    /**
     * Asserts {@code |actual[i] - expected[i]| <= atol + rtol * |expected[i]|} for every i.
     *
     * @param actual what the code under test computed
     * @param expected the reference
     * @param atol absolute tolerance, at least 0
     * @param rtol relative tolerance, at least 0
     * @throws AssertionError giving the number of violations, the worst one (index and both
     *     values) and the largest absolute difference
     */
    public static void assertAllClose(float[] actual, float[] expected, double atol, double rtol) {
        assertAllClose(null, actual, expected, atol, rtol);
    }

    /**
     * As {@link #assertAllClose(float[], float[], double, double)}, the message starting with
     * {@code what}.
     *
     * @param what a label for the message (e.g. "resnet50 logits"), or null
     * @param actual what the code under test computed
     * @param expected the reference
     * @param atol absolute tolerance, at least 0
     * @param rtol relative tolerance, at least 0
     */
    public static void assertAllClose(
            String what, float[] actual, float[] expected, double atol, double rtol) {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("atol and rtol must be >= 0: " + atol + ", " + rtol);
        }
        String prefix = what == null ? "" : what + ": ";
        if (actual == null || expected == null) {
            throw new AssertionError(prefix + "array is null (actual "
                    + (actual == null ? "null" : "non-null") + ", expected "
                    + (expected == null ? "null" : "non-null") + ")");
        }
        if (actual.length != expected.length) {
            throw new AssertionError(prefix + "length differs: actual " + actual.length
                    + ", expected " + expected.length);
        }
        int violations = 0;
        int worst = -1;
        double worstExcess = Double.NEGATIVE_INFINITY; // |diff| / allowed; +inf for NaN/inf mismatch
        int maxDiffIndex = -1;
        double maxDiff = 0;
        for (int i = 0; i < actual.length; i++) {
            double a = actual[i];
            double e = expected[i];
            double excess;
            if (Double.isNaN(a) || Double.isNaN(e) || Double.isInfinite(a) || Double.isInfinite(e)) {
                boolean same = (Double.isNaN(a) && Double.isNaN(e)) || a == e;
                if (same) {
                    continue;
                }
                excess = Double.POSITIVE_INFINITY;
            } else {
                double diff = Math.abs(a - e);
                if (diff > maxDiff || maxDiffIndex < 0) {
                    maxDiff = diff;
                    maxDiffIndex = i;
                }
                double allowed = atol + rtol * Math.abs(e);
                if (diff <= allowed) {
                    continue;
                }
                excess = allowed > 0 ? diff / allowed : Double.MAX_VALUE;
            }
            violations++;
            if (worst < 0 || excess > worstExcess) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (violations == 0) {
            return;
        }
        String maxPart = maxDiffIndex < 0
                ? "no finite pair"
                : String.format(Locale.ROOT, "%.6g at index %d", maxDiff, maxDiffIndex);
        throw new AssertionError(String.format(Locale.ROOT,
                "%s%d of %d elements not close (|a - e| <= %.3g + %.3g * |e|): worst at index %d:"
                        + " actual %s, expected %s, |diff| %.6g, allowed %.6g; max abs diff %s",
                prefix, violations, actual.length, atol, rtol, worst,
                Float.toString(actual[worst]), Float.toString(expected[worst]),
                Math.abs((double) actual[worst] - expected[worst]),
                atol + rtol * Math.abs((double) expected[worst]), maxPart));
    }
}
