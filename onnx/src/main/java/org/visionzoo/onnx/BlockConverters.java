package org.visionzoo.onnx;

import ai.djl.nn.Block;
import ai.djl.util.Pair;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The converters of block classes, keyed by exact class: a subclass needs its own entry, so that a
 * new block type can never be exported with its parent's semantics by accident.
 *
 * <pre>{@code
 * BlockConverters converters = BlockConverters.standard().with(MyBlock.class, (g, path, b, in) -> ...);
 * }</pre>
 */
public final class BlockConverters {

    private final Map<Class<?>, BlockConverter> byClass;

    private BlockConverters(Map<Class<?>, BlockConverter> byClass) {
        this.byClass = Map.copyOf(byClass);
    }

    /**
     * The converters of every block type in VisionZoo's core and model modules.
     *
     * @return the standard registry
     */
    public static BlockConverters standard() {
        return new BlockConverters(StandardConverters.all());
    }

    /**
     * A copy with one more (or a replaced) converter.
     *
     * @param type the block class, matched exactly
     * @param converter its converter
     * @return the new registry
     */
    public BlockConverters with(Class<? extends Block> type, BlockConverter converter) {
        Map<Class<?>, BlockConverter> copy = new LinkedHashMap<>(byClass);
        copy.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(converter, "converter"));
        return new BlockConverters(copy);
    }

    /**
     * The converter of a block class.
     *
     * @param type the block's class
     * @return its converter, if registered
     */
    public Optional<BlockConverter> find(Class<?> type) {
        return Optional.ofNullable(byClass.get(type));
    }

    BlockConverter require(Class<?> type, String path) {
        BlockConverter converter = byClass.get(type);
        if (converter == null) {
            throw new UnsupportedOperationException("no ONNX converter for block " + type.getName()
                    + (path.isEmpty() ? "" : " at '" + path + "'")
                    + ": register one with BlockConverters.with(" + type.getSimpleName() + ".class, ...)");
        }
        return converter;
    }

    /**
     * The classes in a block tree that have no converter.
     *
     * @param root any block
     * @return their names, sorted; empty when the whole tree converts
     */
    public Set<String> missing(Block root) {
        Set<String> missing = new TreeSet<>();
        collectMissing(root, missing);
        return missing;
    }

    private void collectMissing(Block block, Set<String> missing) {
        if (!byClass.containsKey(block.getClass())) {
            missing.add(block.getClass().getName());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collectMissing(child.getValue(), missing);
        }
    }
}
