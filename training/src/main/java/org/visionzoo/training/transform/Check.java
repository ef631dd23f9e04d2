package org.visionzoo.training.transform;

/** Argument checks whose messages name the field and the value. */
final class Check {

    private Check() {}

    static double probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + p);
        }
        return p;
    }

    static int positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
        return v;
    }

    static int nonNegative(String name, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + v);
        }
        return v;
    }

    static double positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
        return v;
    }

    static float finite(String name, float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, got " + v);
        }
        return v;
    }

    /** A range {@code [lo, hi]} with {@code 0 < lo <= hi} (finite). */
    static void positiveRange(String name, double lo, double hi) {
        if (!(lo > 0) || !(lo <= hi) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException(
                    name + " must satisfy 0 < min <= max < inf, got (" + lo + ", " + hi + ")");
        }
    }
}
