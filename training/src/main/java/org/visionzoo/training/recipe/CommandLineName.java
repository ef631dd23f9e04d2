package org.visionzoo.training.recipe;

import java.util.Locale;

/** A recipe enum whose constants the command line writes in lower case ({@code onecycle}). */
public interface CommandLineName {

    /**
     * The constant's name, as {@link Enum#name()}.
     *
     * @return e.g. {@code ONECYCLE}
     */
    String name();

    /**
     * The name as the command line writes it.
     *
     * @return e.g. {@code onecycle}
     */
    default String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
