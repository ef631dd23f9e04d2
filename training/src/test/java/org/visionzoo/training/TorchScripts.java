package org.visionzoo.training;

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

/**
 * Runs a torch reference script from the test classpath with the torch interpreter and reads the
 * .npz it wrote; never skips (a missing interpreter or torch is a failure).
 */
public final class TorchScripts {

    private TorchScripts() {}

    /**
     * Runs {@code script COMMAND --out DIR/COMMAND.npz EXTRA...}.
     *
     * @param anchor the class next to which the script is a resource
     * @param scriptName the script's resource name, e.g. {@code lossref.py}
     * @param dir a scratch directory
     * @param command the script's sub-command
     * @param extra further arguments
     * @return the arrays the script wrote, by name, in file order
     */
    public static Map<String, TensorData> run(
            Class<?> anchor, String scriptName, Path dir, String command, String... extra) {
        Path python = TorchReference.python();
        if (!Files.isExecutable(python)) {
            throw new AssertionError("Python interpreter " + python + " not found; " + scriptName
                    + " needs Python 3 with torch (apt-get install python3-torch)");
        }
        try {
            Path script = dir.resolve(scriptName);
            try (InputStream in = anchor.getResourceAsStream(scriptName)) {
                if (in == null) {
                    throw new AssertionError(scriptName + " is not on the test classpath");
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
                throw new AssertionError(scriptName + " failed (exit " + p.exitValue() + "): " + cmd
                        + "\n" + Files.readString(log, StandardCharsets.UTF_8)
                        + "\n(the parity tests need " + python + " with torch and numpy)");
            }
            Map<String, TensorData> map = new LinkedHashMap<>();
            for (TensorData t : Npz.read(out)) {
                map.put(t.name(), t);
            }
            return map;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + scriptName + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
