package org.visionzoo.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.visionzoo.core.testing.TorchReference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ONNX's own checker ({@code onnx.checker.check_model(model, full_check=True)}, Debian's {@code
 * python3-onnx}) over many files in one Python process, each checked by path (so that external
 * data is found beside the model). Never skipped: a missing package fails
 * with the {@code apt-get} command to run.
 */
final class OnnxChecker {

    private static final String SCRIPT = String.join("\n",
            "import sys",
            "try:",
            "    import onnx",
            "except ImportError as e:",
            "    print('MISSING python3-onnx: ' + str(e)); sys.exit(3)",
            "bad = 0",
            "for p in sys.argv[1:]:",
            "    try:",
            "        onnx.checker.check_model(p, full_check=True)",
            "        m = onnx.load(p, load_external_data=False)",
            "        print('OK ' + p + ' opset ' + str(m.opset_import[0].version) + ' onnx ' + onnx.__version__)",
            "    except Exception as e:",
            "        bad += 1",
            "        print('FAIL ' + p + ': ' + str(e).replace(chr(10), ' '))",
            "sys.exit(1 if bad else 0)");

    private OnnxChecker() {}

    /** Runs the checker on each file and asserts that every one passes. */
    static List<String> assertValid(List<Path> files) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(TorchReference.python().toString(), "-c", SCRIPT));
        files.forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("onnx checker finished").isTrue();
        assertThat(out).as("ONNX's checker needs Debian's python3-onnx: apt-get install -y python3-onnx")
                .doesNotContain("MISSING python3-onnx");
        assertThat(p.exitValue()).as("onnx.checker.check_model(full_check=True):\n" + out).isZero();
        List<String> lines = out.lines().filter(l -> l.startsWith("OK ")).toList();
        assertThat(lines).as("checker output:\n" + out).hasSize(files.size());
        return lines;
    }
}
