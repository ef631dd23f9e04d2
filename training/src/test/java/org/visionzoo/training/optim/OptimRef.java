package org.visionzoo.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;

import org.visionzoo.core.io.Npz;
import org.visionzoo.core.io.TensorData;
import org.visionzoo.core.testing.TorchReference;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs optimref.py with the torch interpreter and reads what it wrote; never skips. */
final class OptimRef {

    private OptimRef() {}

    static Map<String, TensorData> run(Path dir, String command, String... extra) {
        Path python = TorchReference.python();
        if (!Files.isExecutable(python)) {
            throw new AssertionError("Python interpreter " + python + " not found; the optimizer"
                    + " parity tests need Python 3 with torch (apt-get install python3-torch)");
        }
        try {
            Path script = dir.resolve("optimref.py");
            try (InputStream in = OptimRef.class.getResourceAsStream("optimref.py")) {
                if (in == null) {
                    throw new AssertionError("optimref.py is not on the test classpath");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            Path out = dir.resolve(command + ".npz");
            Path log = dir.resolve(command + ".log");
            List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString(), command,
                    "--out", out.toString()));
            cmd.addAll(List.of(extra));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("optimref.py failed (exit " + p.exitValue() + "): " + cmd
                        + "\n" + Files.readString(log, StandardCharsets.UTF_8)
                        + "\n(the parity tests need " + python + " with torch and numpy)");
            }
            Map<String, TensorData> map = new LinkedHashMap<>();
            for (TensorData t : Npz.read(out)) {
                map.put(t.name(), t);
            }
            return map;
        } catch (IOException e) {
            throw new AssertionError("cannot run optimref.py: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
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
