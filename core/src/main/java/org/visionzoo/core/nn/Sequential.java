package org.visionzoo.core.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's {@code nn.Sequential}: children run in order, named {@code "0"}, {@code "1"}, ... by
 * default or by the name given, and each intermediate is released once the next child has run.
 *
 * <p>Unlike DJL's {@code SequentialBlock}, names are the torchvision module names, so inserting a
 * block does not shift the names of the others' parameters.
 */
public class Sequential extends NamedBlock {

    /**
     * Appends a child named by its position ({@code "0"}, {@code "1"}, ...).
     *
     * @param block the child
     * @return this
     */
    public Sequential add(Block block) {
        add(Integer.toString(getChildren().size()), block);
        return this;
    }

    /**
     * Appends a child under the given module name.
     *
     * @param name the module name
     * @param block the child
     * @return this
     */
    public Sequential addNamed(String name, Block block) {
        add(name, block);
        return this;
    }

    /**
     * Replaces the child of the given name, keeping its position.
     *
     * @param name the module name
     * @param block the new child
     * @return this
     */
    public Sequential set(String name, Block block) {
        replace(name, block);
        return this;
    }

    /**
     * Returns the number of children.
     *
     * @return the number of children
     */
    public int size() {
        return getChildren().size();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Block[] blocks = namedChildren(this).stream().map(Map.Entry::getValue).toArray(Block[]::new);
        return new NDList(applyChain(ps, inputs.singletonOrThrow(), training, blocks));
    }

    /** Each convolution child directly followed by a batch norm child: the chain feeds one to the other. */
    @Override
    protected List<BatchNormFolding.Pair> foldableBatchNorms() {
        List<Map.Entry<String, Block>> children = namedChildren(this);
        List<BatchNormFolding.Pair> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < children.size(); i++) {
            if (children.get(i).getValue() instanceof FoldableConv2d
                    && children.get(i + 1).getValue() instanceof BatchNorm2d) {
                pairs.add(new BatchNormFolding.Pair(children.get(i).getKey(), children.get(i + 1).getKey()));
            }
        }
        return pairs;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Map.Entry<String, Block> child : namedChildren(this)) {
            shapes = child.getValue().getOutputShapes(shapes);
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Map.Entry<String, Block> child : namedChildren(this)) {
            child.getValue().initialize(manager, dataType, shapes);
            shapes = child.getValue().getOutputShapes(shapes);
        }
    }
}
