package org.visionzoo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

import java.util.Random;

/**
 * Values uniform in {@code [low, high)} drawn from a Java {@link Random}: checks that must not
 * advance the engine's random generator (and so shift a seeded training run) use it for inputs and
 * parameters.
 */
final class JavaRandom implements Initializer {

    private final Random random;
    private final float low;
    private final float high;

    JavaRandom(Random random, float low, float high) {
        this.random = random;
        this.low = low;
        this.high = high;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        NDArray values = array(manager, random, shape, low, high);
        if (dataType == DataType.FLOAT32) {
            return values;
        }
        try (values) {
            return values.toType(dataType, true);
        }
    }

    static NDArray array(NDManager manager, Random random, Shape shape, float low, float high) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = low + random.nextFloat() * (high - low);
        }
        return manager.create(values, shape);
    }
}
