package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A residual block declared once: a branch of children run one after the other (with stateless
 * activations between them), a shortcut, their sum and an activation after it. Everything else is
 * derived from that one declaration — the forward pass (each intermediate released as soon as the
 * next exists), the output shapes, the initialisation of the children in order, and the
 * convolution + batch-norm pairs that {@link BatchNormFolding} folds.
 *
 * <pre>{@code
 * final class BasicBlock extends ResidualBlock {
 *     BasicBlock(int planes, int stride, Block downsample) {
 *         super(Activation.RELU);
 *         branch("conv1", Layers.conv(planes, 3, stride, 1));
 *         branch("bn1", new BatchNorm2d());
 *         activation(Activation.RELU);
 *         branch("conv2", Layers.conv(planes, 3, 1, 1));
 *         branch("bn2", new BatchNorm2d());
 *         shortcut("downsample", downsample);   // null: the identity
 *     }
 * }
 * }</pre>
 */
public abstract class ResidualBlock extends NamedBlock {

    private final Activation after;
    private final List<Block> branch = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private Block shortcut;

    /**
     * Starts the declaration.
     *
     * @param after the activation applied to the sum ({@link Activation#IDENTITY} for none)
     */
    protected ResidualBlock(Activation after) {
        this.after = Objects.requireNonNull(after, "after");
    }

    /**
     * Appends a child to the branch under its module name.
     *
     * @param name the module name (torchvision's, e.g. {@code conv1})
     * @param block the child
     * @param <B> the child's type
     * @return the child
     */
    protected final <B extends Block> B branch(String name, B block) {
        add(name, block);
        branch.add(block);
        names.add(name);
        return block;
    }

    /**
     * Appends a stateless activation to the branch (no module, no parameters).
     *
     * @param activation the activation
     */
    protected final void activation(Activation activation) {
        branch.add(activation == Activation.RELU ? ActivationBlock.RELU : new ActivationBlock(activation));
        names.add(null);
    }

    /**
     * Sets the shortcut's block, a child under its module name; without one (or with null) the
     * shortcut is the identity, unless {@link #shortcut(ParameterStore, NDArray, boolean)} is
     * overridden.
     *
     * @param name the module name (e.g. {@code downsample})
     * @param block the block, or null for the identity
     */
    protected final void shortcut(String name, Block block) {
        if (block != null) {
            shortcut = add(name, block);
        }
    }

    /**
     * The shortcut of an input: the shortcut block's output, or the input itself.
     *
     * @param ps the parameter store
     * @param x the block's input, left open
     * @param training whether this is a training pass
     * @return {@code x} itself or a new array (closed after the sum)
     */
    protected NDArray shortcut(ParameterStore ps, NDArray x, boolean training) {
        return shortcut == null ? x : apply(shortcut, ps, x, training);
    }

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray out = applyChain(ps, x, training, branch.toArray(Block[]::new));
        NDArray identity = shortcut(ps, x, training);
        NDArray sum = out.add(identity);
        if (out != x) {
            out.close();
        }
        if (identity != x) {
            identity.close();
        }
        return new NDList(after == Activation.IDENTITY ? sum : consume(sum, after.apply(sum)));
    }

    @Override
    protected final List<BatchNormFolding.Pair> foldableBatchNorms() {
        List<BatchNormFolding.Pair> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < branch.size(); i++) {
            if (branch.get(i) instanceof Conv2d && branch.get(i + 1) instanceof BatchNorm2d) {
                pairs.add(new BatchNormFolding.Pair(names.get(i), names.get(i + 1)));
            }
        }
        return pairs;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return chainShapes(inputShapes, branch.toArray(Block[]::new));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        initializeChain(manager, dataType, inputShapes, branch.toArray(Block[]::new));
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }
}
