package org.visionzoo.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CompareTest {

    @Test
    void dryRunPrintsBothCommandsOfEachWorkload() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Compare.run(new String[] {"--dry-run", "--workload", "resnet20:train:128:28", "--threads", "3",
                "--iterations", "7", "--warmup", "1"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(rc).isZero();
        assertThat(text).containsOnlyOnce("python: ").containsOnlyOnce("java:   ");
        String args = "--model resnet20 --batch 128 --image-size 28 --train --iterations 7 --warmup 1 --threads 3 --json";
        assertThat(text).contains("/usr/bin/python3 ").contains("python/bench.py " + args);
        assertThat(text).contains("-Dai.djl.offline=true").contains("-Dai.djl.pytorch.num_threads=3").contains("-XX:TieredStopAtLevel=1")
                .contains("org.visionzoo.benchmarks.BenchMain " + args);
        assertThat(text).contains("MALLOC_MMAP_THRESHOLD_=").contains("MALLOC_TRIM_THRESHOLD_=")
                .contains("MALLOC_TOP_PAD_=").contains("MALLOC_ARENA_MAX=1");
        assertThat(text).doesNotContain("--no-fold");
    }

    @Test
    void allocatorIsPreloadedIntoBothSidesOrNamed() {
        assertThat(Compare.environment("tcmalloc")).containsKey("LD_PRELOAD").doesNotContainKey("MALLOC_ARENA_MAX");
        assertThat(Compare.environment("tcmalloc").get("LD_PRELOAD")).endsWith("libtcmalloc_minimal.so.4");
        assertThat(Compare.environment("glibc")).containsEntry("MALLOC_ARENA_MAX", "1").doesNotContainKey("LD_PRELOAD");
        assertThatThrownBy(() -> Compare.parse("--allocator", "mimalloc"))
                .hasMessageContaining("--allocator must be glibc, tcmalloc or jemalloc");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Compare.run(new String[] {"--dry-run", "--allocator", "tcmalloc"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(rc).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("# environment: ").contains("LD_PRELOAD=");
    }

    @Test
    void noFoldAndContiguousReachTheJavaSideOnly() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Compare.run(new String[] {"--dry-run", "--no-fold", "--contiguous", "--workload", "resnet18:eval:4:64"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(rc).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        for (String line : lines) {
            if (line.startsWith("python: ")) {
                assertThat(line).doesNotContain("--no-fold").doesNotContain("--contiguous");
            } else if (line.startsWith("java:   ")) {
                assertThat(line).endsWith("--json --no-fold --contiguous");
            }
        }
        assertThat(lines).anyMatch(l -> l.startsWith("java:   ")).anyMatch(l -> l.startsWith("python: "));
    }

    @Test
    void pytorchChannelsLastReachesThePythonSideOnly() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Compare.run(new String[] {"--dry-run", "--pytorch-channels-last", "--workload", "resnet18:train:4:64"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(rc).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).anyMatch(l -> l.startsWith("python: ") && l.endsWith("--json --channels-last"))
                .noneMatch(l -> l.startsWith("java:   ") && l.contains("channels-last"));
    }

    @Test
    void defaultWorkloadsAreTheIssuesTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Compare.run(new String[] {"--dry-run"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("# resnet50 eval b32 224").contains(
                "# resnet18 train b32 224");
    }

    @Test
    void badWorkloadIsNamed() {
        assertThatThrownBy(() -> Compare.Spec.parse("resnet50:infer:32:224")).hasMessageContaining("--workload");
        assertThatThrownBy(() -> Compare.Spec.parse("resnet50:eval:0:224")).hasMessageContaining("--workload");
    }

    @Test
    void rowHasRatiosOfMedians() {
        String row = Compare.row("w", Stats.of(10, 20, 30), Stats.of(15, 30, 45), Stats.of(100, 100),
                Stats.of(300, 300));
        assertThat(row).startsWith("| w | 20.00 [10.00–30.00]").contains("| 1.50 |").endsWith("| 3.00 |\n");
    }
}
