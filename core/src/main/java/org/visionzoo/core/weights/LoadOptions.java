package org.visionzoo.core.weights;

import java.util.ArrayList;
import java.util.List;

/**
 * How strictly a weights file must fit the model.
 *
 * <ul>
 *   <li>{@link #strict()} (the default): every file key used once, every model parameter filled
 *       once, shapes equal — else nothing is loaded and every problem is reported.
 *   <li>{@link #lenient()}: missing and unexpected keys are reported, not fatal (shape and dtype
 *       mismatches still are).
 *   <li>{@link #excluding(String)}: keys under a prefix are skipped on both sides, e.g. {@code
 *       excluding("fc.")} to fine-tune a new head on a pretrained backbone.
 *   <li>{@link #replacingMismatched(String)}: keys under a prefix are skipped on both sides only
 *       when one of them has another shape in the file than in the model, e.g. {@code
 *       replacingMismatched("fc.")} to load a checkpoint trained for another class count: the
 *       head keeps its fresh initial values, the rest loads as usual.
 * </ul>
 */
public final class LoadOptions {

    private final boolean strict;
    private final List<String> excludedPrefixes;
    private final List<String> replaceablePrefixes;

    private LoadOptions(boolean strict, List<String> excludedPrefixes) {
        this(strict, excludedPrefixes, List.of());
    }

    private LoadOptions(boolean strict, List<String> excludedPrefixes, List<String> replaceablePrefixes) {
        this.strict = strict;
        this.excludedPrefixes = List.copyOf(excludedPrefixes);
        this.replaceablePrefixes = List.copyOf(replaceablePrefixes);
    }

    /**
     * Strict loading, PyTorch's {@code load_state_dict(strict=True)}.
     *
     * @return the options
     */
    public static LoadOptions strict() {
        return new LoadOptions(true, List.of());
    }

    /**
     * Lenient loading, PyTorch's {@code strict=False}.
     *
     * @return the options
     */
    public static LoadOptions lenient() {
        return new LoadOptions(false, List.of());
    }

    /**
     * Returns these options, also skipping every key that starts with {@code prefix}.
     *
     * @param prefix a key prefix such as {@code "fc."}
     * @return new options
     * @throws IllegalArgumentException if the prefix is empty
     */
    public LoadOptions excluding(String prefix) {
        return new LoadOptions(strict, plus(excludedPrefixes, "excluded", prefix), replaceablePrefixes);
    }

    /**
     * Returns these options, also skipping every key that starts with {@code prefix} when any
     * such key has another shape in the file than in the model: a classifier head trained for
     * another class count ({@code replacingMismatched(model.headName() + ".")}) then keeps the
     * model's initial values, and {@link LoadReport#excluded()} lists its keys. When the shapes
     * agree, the keys load as usual.
     *
     * @param prefix a key prefix such as {@code "fc."}
     * @return new options
     * @throws IllegalArgumentException if the prefix is empty
     */
    public LoadOptions replacingMismatched(String prefix) {
        return new LoadOptions(strict, excludedPrefixes, plus(replaceablePrefixes, "replaceable", prefix));
    }

    private static List<String> plus(List<String> prefixes, String kind, String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException(kind + " prefix must be non-empty, got '" + prefix + "'");
        }
        List<String> more = new ArrayList<>(prefixes);
        more.add(prefix);
        return more;
    }

    /** The prefixes of {@link #replacingMismatched}. */
    List<String> replaceablePrefixes() {
        return replaceablePrefixes;
    }

    /** These options, also excluding the given prefixes. */
    LoadOptions excludingAll(List<String> prefixes) {
        List<String> all = new ArrayList<>(excludedPrefixes);
        all.addAll(prefixes);
        return new LoadOptions(strict, all, replaceablePrefixes);
    }

    /**
     * Whether missing and unexpected keys are fatal.
     *
     * @return true when strict
     */
    public boolean isStrict() {
        return strict;
    }

    boolean isExcluded(String key) {
        for (String prefix : excludedPrefixes) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
