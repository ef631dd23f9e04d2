package org.visionzoo.core;

/**
 * Argument checks for builders and options: each message names the field and echoes the value,
 * in one vocabulary ("{@code numClasses must be >= 1, got 0}", "{@code dropout must be in [0, 1),
 * got 1.5}", "{@code stride must be 1 or 2, got 3}").
 */
public final class Checks {

    private Checks() {}

    /**
     * Checks that {@code value >= min}.
     *
     * @param field the field's name, as the user wrote it ({@code numClasses})
     * @param value the value
     * @param min the smallest allowed value
     * @return {@code value}
     * @throws IllegalArgumentException as "{@code numClasses must be >= 1, got 0}"
     */
    public static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /**
     * Checks that {@code p} is a probability, in {@code [0, 1]}.
     *
     * @param field the field's name
     * @param p the value
     * @return {@code p}
     * @throws IllegalArgumentException as "{@code p must be in [0, 1], got 1.5}" (also for NaN)
     */
    public static double probability(String field, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], got " + p);
        }
        return p;
    }

    /**
     * Checks that {@code value} is finite and greater than 0.
     *
     * @param field the field's name
     * @param value the value
     * @return {@code value}
     * @throws IllegalArgumentException as "{@code alpha must be finite and > 0, got 0.0}"
     */
    public static double positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be finite and > 0, got " + value);
        }
        return value;
    }

    /**
     * Checks that {@code value} is finite.
     *
     * @param field the field's name
     * @param value the value
     * @return {@code value}
     * @throws IllegalArgumentException as "{@code fill must be finite, got NaN}"
     */
    public static float finite(String field, float value) {
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be finite, got " + value);
        }
        return value;
    }

    /**
     * Checks that {@code [lo, hi]} is a finite range with {@code 0 < lo <= hi}.
     *
     * @param field the range's name
     * @param lo its lower end
     * @param hi its upper end
     * @throws IllegalArgumentException as "{@code scale must satisfy 0 < min <= max < inf, got
     *     (0.5, 0.1)}"
     */
    public static void positiveRange(String field, double lo, double hi) {
        if (!(lo > 0) || !(lo <= hi) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException(
                    field + " must satisfy 0 < min <= max < inf, got (" + lo + ", " + hi + ")");
        }
    }

    /**
     * Checks a rate that must stay below 1 (dropout, a dense layer's drop rate, stochastic
     * depth): in {@code [0, 1)}.
     *
     * @param field the field's name
     * @param value the value
     * @return {@code value}
     * @throws IllegalArgumentException as "{@code dropout must be in [0, 1), got 1.0}", also for NaN
     */
    public static double dropRate(String field, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1), got " + value);
        }
        return value;
    }

    /**
     * Checks a block's stride: 1 or 2, the strides every family here uses.
     *
     * @param field the field's name
     * @param value the value
     * @return {@code value}
     * @throws IllegalArgumentException as "{@code stride must be 1 or 2, got 3}"
     */
    public static int stride(String field, int value) {
        if (value != 1 && value != 2) {
            throw new IllegalArgumentException(field + " must be 1 or 2, got " + value);
        }
        return value;
    }

    /**
     * Checks a kernel size: odd and {@code >= 1}, so that "same" padding is symmetric.
     *
     * @param field the field's name
     * @param value the value
     * @return {@code value}
     * @throws IllegalArgumentException as "{@code kernel must be odd and >= 1, got 4}"
     */
    public static int oddKernel(String field, int value) {
        if (value < 1 || value % 2 == 0) {
            throw new IllegalArgumentException(field + " must be odd and >= 1, got " + value);
        }
        return value;
    }

    /**
     * Checks that a value is finite and {@code >= 0} (weight decay, a clipping norm).
     *
     * @param field the field's name
     * @param value the value
     * @return {@code value}
     * @throws IllegalArgumentException as "{@code weightDecay must be finite and >= 0, got -1.0}",
     *     also for NaN
     */
    public static float nonNegative(String field, float value) {
        if (!(value >= 0f) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be finite and >= 0, got " + value);
        }
        return value;
    }
}
