package org.visionzoo.core;

/** Argument checks for builders: each message names the field and echoes the value. */
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
}
