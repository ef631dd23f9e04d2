package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A block whose children carry torchvision's module names ({@code conv1}, {@code layer1}, {@code
 * 0}, {@code classifier}), so that the path of each parameter reads like its torchvision {@code
 * state_dict} key.
 *
 * <p>DJL stores a child under {@code String.format("%02d%s", position, name)}; {@link
 * #namedChildren(Block)} undoes that by position, for any block, so names never have to be parsed
 * out of parameter keys.
 *
 * <p>Subclasses write their forward pass with {@link #apply} and {@link #consume}, which close each
 * intermediate array as soon as the next operation has produced its successor.
 */
public abstract class NamedBlock extends AbstractBlock {

    /**
     * Adds a child under its torchvision module name.
     *
     * @param name the module name, unique within this block
     * @param block the child
     * @param <B> the child's type
     * @return {@code block}
     * @throws IllegalArgumentException if a child of that name exists
     */
    protected final <B extends Block> B add(String name, B block) {
        if (findChild(this, name) >= 0) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + " already has a child named '" + name + "'");
        }
        return addChildBlock(name, block);
    }

    /**
     * Replaces the child of the given name, keeping its position and name.
     *
     * @param name the module name of the child
     * @param block the new child
     * @throws IllegalArgumentException if there is no such child
     */
    protected final void replace(String name, Block block) {
        int index = findChild(this, name);
        if (index < 0) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + " has no child named '" + name + "'");
        }
        String key = children.keyAt(index);
        children.remove(index);
        children.add(index, key, block);
    }

    /**
     * Returns the child of the given module name.
     *
     * @param name the module name
     * @return the child
     * @throws IllegalArgumentException if there is no such child
     */
    public Block child(String name) {
        int index = findChild(this, name);
        if (index < 0) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + " has no child named '"
                            + name
                            + "'; children: "
                            + namedChildren(this).stream().map(Map.Entry::getKey).toList());
        }
        return children.valueAt(index);
    }

    /**
     * Lists the children of any block under their module names, in order: the two-digit position
     * prefix DJL adds to each child's key is removed by position.
     *
     * @param block any block
     * @return (module name, child) pairs
     */
    public static List<Map.Entry<String, Block>> namedChildren(Block block) {
        List<Map.Entry<String, Block>> list = new ArrayList<>();
        int position = 1;
        for (Pair<String, Block> pair : block.getChildren()) {
            list.add(Map.entry(moduleName(pair.getKey(), position++), pair.getValue()));
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * Removes DJL's position prefix from a child key.
     *
     * @param key the key DJL stored the child under
     * @param position the child's 1-based position
     * @return the module name
     */
    static String moduleName(String key, int position) {
        String prefix = String.format(Locale.ROOT, "%02d", position);
        if (!key.startsWith(prefix)) {
            throw new IllegalStateException(
                    "child key '" + key + "' at position " + position + " lacks prefix " + prefix);
        }
        return key.substring(prefix.length());
    }

    private static int findChild(Block block, String name) {
        int position = 1;
        for (Pair<String, Block> pair : block.getChildren()) {
            if (moduleName(pair.getKey(), position).equals(name)) {
                return position - 1;
            }
            position++;
        }
        return -1;
    }

    /**
     * The (convolution, batch norm) pairs among this block's children that {@link
     * BatchNormFolding} may fold: pairs where the forward pass feeds the convolution's output to
     * the batch norm and to nothing else. Only convolutions made by {@link Layers#conv} can be
     * folded. Blocks declare their pairs by overriding this; the default is none, {@link
     * Sequential} finds them itself.
     *
     * @return the pairs, by module name
     */
    protected List<BatchNormFolding.Pair> foldableBatchNorms() {
        return List.of();
    }

    /**
     * Runs a single-input, single-output block.
     *
     * @param block the block
     * @param ps the parameter store
     * @param x the input, left open
     * @param training whether this is a training pass
     * @return the output
     */
    protected static NDArray apply(Block block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /**
     * Runs single-input, single-output blocks one after the other, releasing each intermediate
     * as soon as the next block has run. The input is left open.
     *
     * @param ps the parameter store
     * @param x the input, left open
     * @param training whether this is a training pass
     * @param blocks the blocks, in order
     * @return the last block's output ({@code x} itself if every block returned its input)
     */
    protected static NDArray applyChain(
            ParameterStore ps, NDArray x, boolean training, Block... blocks) {
        NDArray out = x;
        for (Block block : blocks) {
            NDArray next = apply(block, ps, out, training);
            if (out != x) {
                consume(out, next);
            }
            out = next;
        }
        return out;
    }

    /**
     * Closes {@code consumed} unless it is {@code next} itself, and returns {@code next}: the idiom
     * that frees each intermediate of a forward pass once its successor exists.
     *
     * @param consumed an intermediate this block created and no longer needs
     * @param next its successor
     * @return {@code next}
     */
    protected static NDArray consume(NDArray consumed, NDArray next) {
        if (consumed != next) {
            consumed.close();
        }
        return next;
    }

    /**
     * Initialises blocks that run one after the other, each for the output shapes of the one
     * before.
     *
     * @param manager the parameters' manager
     * @param dataType the data type
     * @param input the input shapes of the first block
     * @param blocks the blocks, in order
     * @return the output shapes of the last block
     */
    protected static Shape[] initializeChain(
            NDManager manager, DataType dataType, Shape[] input, Block... blocks) {
        Shape[] shapes = input;
        for (Block block : blocks) {
            block.initialize(manager, dataType, shapes);
            shapes = block.getOutputShapes(shapes);
        }
        return shapes;
    }

    /**
     * Output shapes of blocks that run one after the other.
     *
     * @param input the input shapes of the first block
     * @param blocks the blocks, in order
     * @return the output shapes of the last block
     */
    protected static Shape[] chainShapes(Shape[] input, Block... blocks) {
        Shape[] shapes = input;
        for (Block block : blocks) {
            shapes = block.getOutputShapes(shapes);
        }
        return shapes;
    }
}
