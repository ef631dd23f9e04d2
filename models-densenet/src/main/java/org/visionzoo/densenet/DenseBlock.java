package org.visionzoo.densenet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.visionzoo.core.nn.NamedBlock;

/**
 * torchvision's {@code _DenseBlock}: layers {@code denselayer1 .. denselayerN}, layer {@code i}
 * seeing the block input and the new features of every layer before it, concatenated along the
 * channels in that order; the block returns the concatenation of its input and all new features,
 * {@code inChannels + N * growthRate} channels.
 *
 * <p>Memory: the block keeps one running concatenation. Each layer reads it once, and each layer's
 * output is appended to it by a single concatenation, after which the previous concatenation and
 * the layer's output are released. There is no per-layer list of feature maps to concatenate again
 * (which would copy every earlier feature map a second time), and no final concatenation: the last
 * running concatenation is the block's output.
 */
final class DenseBlock extends NamedBlock {

    private final DenseLayer[] layers;
    private final int growthRate;

    DenseBlock(int numLayers, int growthRate, int bnSize, float dropRate) {
        this.growthRate = growthRate;
        layers = new DenseLayer[numLayers];
        for (int i = 0; i < numLayers; i++) {
            layers[i] = add("denselayer" + (i + 1), new DenseLayer(growthRate, bnSize, dropRate));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray features = x;
        for (DenseLayer layer : layers) {
            NDArray fresh = apply(layer, ps, features, training);
            NDArray joined = NDArrays.concat(new NDList(features, fresh), 1);
            fresh.close();
            if (features != x) {
                features.close();
            }
            features = joined;
        }
        return new NDList(features);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {withChannels(inputShapes[0], layers.length)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (int i = 0; i < layers.length; i++) {
            layers[i].initialize(manager, dataType, withChannels(inputShapes[0], i));
        }
    }

    private Shape withChannels(Shape in, int previousLayers) {
        return new Shape(in.get(0), in.get(1) + (long) previousLayers * growthRate, in.get(2), in.get(3));
    }
}
