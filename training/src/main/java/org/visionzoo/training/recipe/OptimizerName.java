package org.visionzoo.training.recipe;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The optimizers a {@link Recipe} names. */
public enum OptimizerName {
    /** SGD with momentum, Nesterov by default ({@link org.visionzoo.training.optim.Sgd}). */
    SGD("sgd"),
    /** AdamW, decoupled weight decay ({@link org.visionzoo.training.optim.AdamW}). */
    ADAMW("adamw");

    private final String id;

    OptimizerName(String id) {
        this.id = id;
    }

    /**
     * The name as the command line writes it.
     *
     * @return e.g. {@code sgd}
     */
    public String id() {
        return id;
    }

    /**
     * Every name, in order.
     *
     * @return the ids
     */
    public static List<String> ids() {
        return Arrays.stream(values()).map(OptimizerName::id).toList();
    }

    /**
     * Parses a name, in any case.
     *
     * @param text the name
     * @return the optimizer
     * @throws IllegalArgumentException naming the accepted names
     */
    public static OptimizerName parse(String text) {
        for (OptimizerName o : values()) {
            if (o.id.equals(text == null ? null : text.toLowerCase(Locale.ROOT))) {
                return o;
            }
        }
        throw new IllegalArgumentException("optimizer must be sgd or adamw, got '" + text + "'");
    }
}
