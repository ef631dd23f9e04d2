package org.visionzoo.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

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

/** Runs lossref.py with the torch interpreter and reads what it wrote; never skips. */
final class LossRef {

    private LossRef() {}

    static Map<String, TensorData> run(Path dir, String command, String... extra) {
        Path python = TorchReference.python();
        if (!Files.isExecutable(python)) {
            throw new AssertionError("Python interpreter " + python + " not found; the loss"
                    + " parity tests need Python 3 with torch (apt-get install python3-torch)");
        }
        try {
            Path script = dir.resolve("lossref.py");
            try (InputStream in = LossRef.class.getResourceAsStream("lossref.py")) {
                if (in == null) {
                    throw new AssertionError("lossref.py is not on the test classpath");
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
                throw new AssertionError("lossref.py failed (exit " + p.exitValue() + "): " + cmd
                        + "\n" + Files.readString(log, StandardCharsets.UTF_8)
                        + "\n(the parity tests need " + python + " with torch and numpy)");
            }
            Map<String, TensorData> map = new LinkedHashMap<>();
            for (TensorData t : Npz.read(out)) {
                map.put(t.name(), t);
            }
            return map;
        } catch (IOException e) {
            throw new AssertionError("cannot run lossref.py: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
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
