package org.visionzoo.training.recipe;

import java.util.List;

/** The optimizers a {@link Recipe} names. */
public enum OptimizerName implements CommandLineName {
    /** SGD with momentum, Nesterov by default ({@link org.visionzoo.training.optim.Sgd}). */
    SGD,
    /** AdamW, decoupled weight decay ({@link org.visionzoo.training.optim.AdamW}). */
    ADAMW;

    /**
     * Every name, in order.
     *
     * @return the ids
     */
    public static List<String> ids() {
        return EnumIds.ids(values());
    }

    /**
     * Parses a name, in any case.
     *
     * @param text the name
     * @return the optimizer
     * @throws IllegalArgumentException naming the accepted names
     */
    public static OptimizerName parse(String text) {
        return EnumIds.parse(values(), "optimizer", text);
    }
}
