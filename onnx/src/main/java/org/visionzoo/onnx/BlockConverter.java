package org.visionzoo.onnx;

import ai.djl.nn.Block;

/**
 * The ONNX form of one block type: emits the nodes that compute, in evaluation mode, what the
 * block's forward pass computes, with plain NCHW semantics whatever memory order VisionZoo runs
 * in.
 */
@FunctionalInterface
public interface BlockConverter {

    /**
     * Emits the block's nodes.
     *
     * @param graph the graph to add nodes and initializers to; {@link OnnxGraph#convert} converts
     *     children
     * @param path the block's module path, e.g. {@code layer1.0} (empty for the model)
     * @param block the block, of the class this converter is registered for
     * @param input the name of the value the block consumes
     * @return the name of the value the block produces ({@code input} itself for the identity)
     */
    String convert(OnnxGraph graph, String path, Block block, String input);
}
