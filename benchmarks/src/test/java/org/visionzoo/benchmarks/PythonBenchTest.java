package org.visionzoo.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The PyTorch side: Debian's torch is always there in CI, so this never skips. */
class PythonBenchTest {

    @Test
    void benchPyPrintsTheSameJsonKeys() throws Exception {
        String python = System.getProperty("visionzoo.python", "/usr/bin/python3");
        Path script = Path.of("python/bench.py");
        assertThat(script).isRegularFile();
        Process p = new ProcessBuilder(List.of(python, script.toString(), "--model", "resnet20", "--batch", "2",
                "--image-size", "32", "--iterations", "1", "--warmup", "0", "--threads", "1", "--json"))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("bench.py output:%n%s (needs python3-torchvision)", out).isZero();
        String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        BenchResult r = BenchResult.fromJson(json);
        assertThat(r.model()).isEqualTo("resnet20");
        assertThat(r.mode()).isEqualTo("eval");
        assertThat(r.imageSize()).isEqualTo(32);
        assertThat(r.threads()).isEqualTo(1);
        assertThat(r.msPerIteration()).hasSize(1);
        assertThat(r.imagesPerSecond()).isPositive();
        assertThat(r.peakRssMb()).isPositive();
        assertThat(r.engine()).startsWith("PyTorch ").contains("eager");
        assertThat(Files.readString(script)).contains("torch.no_grad()");
    }

    @Test
    void benchPyRunsChannelsLastOnRequest() throws Exception {
        String python = System.getProperty("visionzoo.python", "/usr/bin/python3");
        Process p = new ProcessBuilder(List.of(python, "python/bench.py", "--model", "resnet20", "--batch", "2",
                "--image-size", "32", "--iterations", "1", "--warmup", "0", "--threads", "1", "--train",
                "--channels-last", "--json"))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("bench.py output:%n%s", out).isZero();
        BenchResult r = BenchResult.fromJson(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        assertThat(r.mode()).isEqualTo("train");
        assertThat(r.engine()).endsWith(", channels-last");
    }
}
