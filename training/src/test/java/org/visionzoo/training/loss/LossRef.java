package org.visionzoo.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.visionzoo.core.io.TensorData;
import org.visionzoo.training.TorchScripts;

import java.nio.file.Path;
import java.util.Map;

/** Runs lossref.py with the torch interpreter and reads what it wrote; never skips. */
final class LossRef {

    private LossRef() {}

    static Map<String, TensorData> run(Path dir, String command, String... extra) {
        return TorchScripts.run(LossRef.class, "lossref.py", dir, command, extra);
    }

    static NDArray floats(NDManager manager, TensorData t) {
        return manager.create(t.toFloatArray(), new Shape(t.shape()));
    }

    /** Integer class indices (stored as int64 by numpy; small, so exact through float). */
    static NDArray longs(NDManager manager, TensorData t) {
        float[] f = t.toFloatArray();
        long[] v = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            v[i] = (long) f[i];
        }
        return manager.create(v, new Shape(t.shape()));
    }

    static void assertClose(String what, float[] actual, float[] expected, double rtol, double atol) {
        if (actual.length != expected.length) {
            throw new AssertionError(what + ": length " + actual.length + " != " + expected.length);
        }
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (!(d <= atol + rtol * Math.abs(expected[i]))) {
                throw new AssertionError(what + "[" + i + "]: " + actual[i] + " != expected "
                        + expected[i] + " (diff " + d + ")");
            }
        }
    }
}
