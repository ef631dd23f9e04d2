package org.visionzoo.training.recipe;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Lists and parses the ids of a {@link CommandLineName} enum. */
final class EnumIds {

    private EnumIds() {}

    /** The ids of every constant, in declaration order. */
    static List<String> ids(CommandLineName[] constants) {
        return Arrays.stream(constants).map(CommandLineName::id).toList();
    }

    /**
     * The constant whose id is {@code text}, in any case.
     *
     * @throws IllegalArgumentException naming what was parsed and the accepted ids, such as
     *     {@code optimizer must be sgd or adamw, got 'rmsprop'}
     */
    static <E extends Enum<E> & CommandLineName> E parse(E[] constants, String what, String text) {
        for (E e : constants) {
            if (e.id().equals(text == null ? null : text.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        List<String> ids = ids(constants);
        String accepted = ids.size() == 1 ? ids.get(0)
                : String.join(", ", ids.subList(0, ids.size() - 1)) + " or " + ids.get(ids.size() - 1);
        throw new IllegalArgumentException(what + " must be " + accepted + ", got '" + text + "'");
    }
}
