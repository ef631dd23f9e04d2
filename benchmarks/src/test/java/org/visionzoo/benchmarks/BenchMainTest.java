package org.visionzoo.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchMainTest {

    @Test
    void parsesEveryOption() {
        BenchMain.Args a = BenchMain.parse("--model", "resnet18", "--batch", "8", "--image-size", "64", "--train",
                "--iterations", "4", "--warmup", "0", "--threads", "1", "--json");
        assertThat(a.options()).isEqualTo(new BenchOptions("resnet18", 8, 64, true, 4, 0, 1, true, true));
        assertThat(a.json()).isTrue();
        assertThat(BenchMain.parse("--model", "resnet50").options()).isEqualTo(BenchOptions.of("resnet50"));
        assertThat(BenchMain.parse("--model", "resnet50", "--no-fold").options().foldBatchNorm()).isFalse();
        assertThat(BenchMain.parse("--model", "resnet50").options().channelsLast()).isTrue();
        assertThat(BenchMain.parse("--model", "resnet50", "--contiguous").options().channelsLast()).isFalse();
        assertThat(BenchOptions.of("resnet50").foldBatchNorm()).as("folded by default").isTrue();
    }

    @Test
    void errorsNameTheOption() {
        assertThatThrownBy(() -> BenchMain.parse("--batch", "8")).hasMessageContaining("--model");
        assertThatThrownBy(() -> BenchMain.parse("--model", "r", "--batch", "x")).hasMessageContaining("--batch")
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> BenchMain.parse("--model", "r", "--threads", "0")).hasMessageContaining("--threads");
        assertThatThrownBy(() -> BenchMain.parse("--model", "r", "--warmup", "-1")).hasMessageContaining("--warmup");
        assertThatThrownBy(() -> BenchMain.parse("--model", "r", "--iterations")).hasMessageContaining("--iterations");
        assertThatThrownBy(() -> BenchMain.parse("--model", "r", "--fast")).hasMessageContaining("--fast");
    }

    @Test
    void badArgumentsExitWith2AndUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = BenchMain.run(new String[] {"--model", "r", "--image-size", "big"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--image-size").contains("usage:");
    }
}
