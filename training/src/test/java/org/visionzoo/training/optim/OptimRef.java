package org.visionzoo.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;

import org.visionzoo.core.io.TensorData;
import org.visionzoo.training.TorchScripts;

import java.nio.file.Path;
import java.util.Map;

/** Runs optimref.py with the torch interpreter and reads what it wrote; never skips. */
final class OptimRef {

    private OptimRef() {}

    static Map<String, TensorData> run(Path dir, String command, String... extra) {
        return TorchScripts.run(OptimRef.class, "optimref.py", dir, command, extra);
    }

    static NDArray array(NDManager manager, TensorData t) {
        return manager.create(t.toFloatArray(), new Shape(t.shape()));
    }

    /** Slice {@code i} of the first axis, as floats. */
    static float[] row(TensorData t, int i) {
        float[] all = t.toFloatArray();
        int n = (int) (t.numel() / t.shape()[0]);
        float[] r = new float[n];
        System.arraycopy(all, i * n, r, 0, n);
        return r;
    }

    /** Makes {@code g} the gradient of {@code p} (after a zeroGrad, via a backward of sum(g*p)). */
    static void setGradient(NDArray p, float[] g) {
        try (NDManager sub = p.getManager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray ga = sub.create(g, p.getShape());
            gc.backward(ga.mul(p).sum());
        }
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
