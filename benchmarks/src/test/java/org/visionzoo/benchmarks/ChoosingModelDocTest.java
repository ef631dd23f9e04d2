package org.visionzoo.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;

class ChoosingModelDocTest {

    @Test
    void noMeasureWritesARowPerRegisteredModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("choosing.md");
        assertThat(ChoosingModelDoc.run(new String[] {"--no-measure", "--out", out.toString()}, System.out,
                System.err)).isZero();
        List<String> lines = Files.readAllLines(out);
        List<ModelSpec> specs = Models.list();
        assertThat(specs).extracting(ModelSpec::name).contains("resnet18", "resnet50", "resnet20");
        List<String> rows = lines.stream().filter(l -> l.startsWith("| `")).toList();
        assertThat(rows).hasSize(specs.size());
        for (ModelSpec s : specs) {
            String row = rows.stream().filter(l -> l.startsWith("| `" + s.name() + "` |")).findFirst().orElseThrow();
            assertThat(row).contains("| " + ChoosingModelDoc.formatParams(s.params()) + " |")
                    .contains("not measured");
        }
        assertThat(rows.stream().filter(l -> l.startsWith("| `resnet18` |")).findFirst().orElseThrow())
                .contains("| 11,689,512 (11.7 M) |").contains("| 69.758 |");
        assertThat(rows.stream().filter(l -> l.startsWith("| `resnet20` |")).findFirst().orElseThrow())
                .contains("| — |");
        String text = String.join("\n", lines);
        assertThat(text).contains(ChoosingModelDoc.TOP1_SOURCE).contains("Phone").contains("Accuracy first")
                .contains("Server");
    }

    @Test
    void measurementsFromAFileFillTheColumns(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("m.jsonl");
        Files.writeString(json, """
                {"model":"resnet18","mode":"eval","batch":32,"image_size":224,"threads":2,"iterations":10,\
                "images_per_second":123.4,"ms_per_batch":259.3,"ms_per_batch_p10":250,"ms_per_batch_p90":270,\
                "peak_rss_mb":900,"engine":"PyTorch 2.7.1 (DJL 0.36.0)"}
                """);
        Path out = dir.resolve("c.md");
        assertThat(ChoosingModelDoc.run(new String[] {"--measurements", json.toString(), "--out", out.toString()},
                System.out, System.err)).isZero();
        String row = Files.readAllLines(out).stream().filter(l -> l.startsWith("| `resnet18` |")).findFirst()
                .orElseThrow();
        assertThat(row).contains("| 123.4 | not measured | 900 |");
        assertThat(Files.readString(out)).contains("Server throughput**: `resnet18`");
    }

    @Test
    void guidanceSortsModelsByInputSizeAndSaysWhatWasMeasured() {
        String empty = ChoosingModelDoc.guidance(Models.list(), java.util.Map.of());
        String small = empty.lines().filter(l -> l.contains("**Small images")).findFirst().orElseThrow();
        assertThat(small).contains("`resnet20`").contains("`densenet_bc_100_12`").doesNotContain("mobilenet_v1");
        assertThat(empty).contains("**Server throughput**: not measured here");

        BenchResult r = BenchResult.fromJson("{\"model\":\"resnet50\",\"mode\":\"eval\",\"batch\":32,"
                + "\"image_size\":224,\"threads\":2,\"iterations\":1,\"images_per_second\":11.0,"
                + "\"ms_per_batch\":2900,\"ms_per_batch_p10\":2900,\"ms_per_batch_p90\":2900,"
                + "\"peak_rss_mb\":1200,\"engine\":\"x\"}");
        String one = ChoosingModelDoc.guidance(Models.list(), java.util.Map.of(ChoosingModelDoc.key("resnet50", false), r));
        assertThat(one).contains("`resnet50`, the most evaluation images/s measured here (11.0)")
                .contains("of the 1 ImageNet models measured so far");
    }
}
