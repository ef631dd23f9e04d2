package org.visionzoo.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelSpec;

import java.util.Random;

/** Registered models with random weights and non-trivial batch-norm statistics, and random input. */
final class TestModels {

    private TestModels() {}

    /**
     * The smallest square input every registered model accepts (five stride-2 stages: 32 pixels
     * give a 1x1 final feature map).
     */
    static final int SIZE = 32;

    /**
     * Creates and initialises a model; batch-norm scale, shift, running mean and variance drawn
     * at random so that folding and the statistics matter.
     */
    static ImageClassifier create(ModelSpec spec, int classes, NDManager manager, long seed) {
        ImageClassifier model = spec.create(classes);
        model.initialize(manager, SIZE);
        Random random = new Random(seed);
        for (Pair<String, Parameter> p : model.getParameters()) {
            Parameter.Type type = p.getValue().getType();
            NDArray array = p.getValue().getArray();
            float lo;
            float hi;
            if (type == Parameter.Type.GAMMA || type == Parameter.Type.RUNNING_VAR) {
                lo = 0.5f;
                hi = 1.5f;
            } else if (type == Parameter.Type.BETA || type == Parameter.Type.RUNNING_MEAN
                    || type == Parameter.Type.BIAS) {
                lo = -0.2f;
                hi = 0.2f;
            } else {
                continue;
            }
            float[] values = new float[(int) array.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = lo + (hi - lo) * random.nextFloat();
            }
            array.set(values);
        }
        return model;
    }

    static float[] input(int batch, int channels, int size, long seed) {
        Random random = new Random(seed);
        float[] x = new float[batch * channels * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    static NDArray array(NDManager manager, float[] x, int batch, int channels, int size) {
        return manager.create(x, new Shape(batch, channels, size, size));
    }
}
