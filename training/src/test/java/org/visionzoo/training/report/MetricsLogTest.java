package org.visionzoo.training.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

class MetricsLogTest {

    @TempDir Path dir;

    static EpochRecord record(int epoch) {
        return new EpochRecord(epoch, 2.0 / epoch, 0.1 * epoch, 2.5 / epoch, 0.09 * epoch,
                0.3 + 0.05 * epoch, 0.1 / epoch, 800 + epoch, 60.5, Map.of());
    }

    @Test
    void jsonLineHasTheKeysInOrderAndRoundTrips() {
        EpochRecord r = new EpochRecord(3, 0.4312, 0.875, 0.51, 0.8125, 0.96875, 1e-4, 812.5,
                61.25, Map.of("ema_val_top1", 0.83, "b_grad_norm", 1.5));
        String line = r.toJsonLine();
        assertThat(line).isEqualTo("{\"epoch\":3,\"train_loss\":0.4312,\"train_top1\":0.875,"
                + "\"val_loss\":0.51,\"val_top1\":0.8125,\"val_top5\":0.96875,\"lr\":1.0E-4,"
                + "\"images_per_second\":812.5,\"seconds\":61.25,\"b_grad_norm\":1.5,"
                + "\"ema_val_top1\":0.83}");
        assertThat(line).doesNotContain("\n");
        assertThat(EpochRecord.fromJson(line)).isEqualTo(r);
        JsonObject o = r.toJson();
        assertThat(o.get("epoch").getAsInt()).isEqualTo(3);
        assertThat(o.keySet()).hasSize(11);
    }

    @Test
    void nanIsWrittenAsNullAndReadBackAsNan() {
        Map<String, Double> extra = new HashMap<>();
        extra.put("ema_val_top1", Double.NaN);
        EpochRecord r = new EpochRecord(1, Double.POSITIVE_INFINITY, 0.5, Double.NaN,
                Double.NaN, Double.NaN, 0.1, 100, 10, extra);
        assertThat(r.validated()).isFalse();
        String line = r.toJsonLine();
        assertThat(line).contains("\"train_loss\":null", "\"val_loss\":null",
                "\"val_top1\":null", "\"val_top5\":null", "\"ema_val_top1\":null");
        assertThat(line).doesNotContain("NaN", "Infinity");
        EpochRecord back = EpochRecord.fromJson(line);
        assertThat(back.trainLoss()).isNaN();
        assertThat(back.valLoss()).isNaN();
        assertThat(back.valTop1()).isNaN();
        assertThat(back.valTop5()).isNaN();
        assertThat(back.extra().get("ema_val_top1")).isNaN();
        assertThat(back.trainTop1()).isEqualTo(0.5);
        assertThat(back.validated()).isFalse();
    }

    @Test
    void extraIsCopiedAndNullMeansEmpty() {
        Map<String, Double> extra = new HashMap<>(Map.of("a", 1.0));
        EpochRecord r = new EpochRecord(1, 1, 0, 1, 0, 0, 0.1, 1, 1, extra);
        extra.put("b", 2.0);
        assertThat(r.extra()).containsOnlyKeys("a");
        assertThatThrownBy(() -> r.extra().put("c", 3.0))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(new EpochRecord(1, 1, 0, 1, 0, 0, 0.1, 1, 1, null).extra()).isEmpty();
        assertThat(EpochRecord.fromJson(record(2).toJsonLine()).extra()).isEmpty();
    }

    @Test
    void constructorValidates() {
        assertThatThrownBy(() -> new EpochRecord(0, 1, 0, 1, 0, 0, 0.1, 1, 1, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch");
        assertThatThrownBy(() -> new EpochRecord(1, 1, 87.5, 1, 0, 0, 0.1, 1, 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainTop1").hasMessageContaining("87.5");
        assertThatThrownBy(() -> new EpochRecord(1, 1, 0, 1, 0, 0, 0.1, 1, 1,
                Map.of("val_loss", 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("val_loss");
    }

    @Test
    void fromJsonNamesTheMissingKeyAndRejectsBadValues() {
        JsonObject o = record(2).toJson();
        o.remove("val_top5");
        assertThatThrownBy(() -> EpochRecord.fromJson(o.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing key 'val_top5'");
        JsonObject s = record(2).toJson();
        s.addProperty("lr", "fast");
        assertThatThrownBy(() -> EpochRecord.fromJson(s.toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lr'");
        JsonObject e = record(2).toJson();
        e.addProperty("epoch", 2.5);
        assertThatThrownBy(() -> EpochRecord.fromJson(e.toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'epoch'");
        assertThatThrownBy(() -> EpochRecord.fromJson("[1, 2]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> EpochRecord.fromJson("{\"epoch\": 1,"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void appendWritesOneLinePerEpochAndReadReturnsThem() throws IOException {
        Path file = dir.resolve("run/metrics.jsonl");
        MetricsLog log = MetricsLog.create(file);
        assertThat(log.file()).isEqualTo(file);
        assertThat(Files.readString(file)).isEmpty();
        for (int e = 1; e <= 3; e++) {
            log.append(record(e));
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(record(1).toJsonLine());
        assertThat(Files.readString(file)).endsWith("\n");
        assertThat(log.records()).containsExactly(record(1), record(2), record(3));
        assertThat(MetricsLog.read(file)).isEqualTo(log.records());
        assertThatThrownBy(() -> log.records().add(record(4)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void createReplacesAnExistingFile() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, record(1).toJsonLine() + "\n" + record(2).toJsonLine() + "\n");
        MetricsLog log = MetricsLog.create(file);
        assertThat(log.records()).isEmpty();
        assertThat(Files.readString(file)).isEmpty();
        log.append(record(1));
        assertThat(MetricsLog.read(file)).containsExactly(record(1));
    }

    @Test
    void appendLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricsLog log = MetricsLog.create(file);
        for (int e = 1; e <= 5; e++) {
            log.append(record(e));
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).containsExactly(file);
            }
        }
    }

    @Test
    void appendRejectsEpochsOutOfOrder() {
        MetricsLog log = MetricsLog.create(dir.resolve("metrics.jsonl"));
        log.append(record(2));
        assertThatThrownBy(() -> log.append(record(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epoch 2").hasMessageContaining("last logged epoch 2");
        assertThat(log.records()).containsExactly(record(2));
    }

    @Test
    void failedWriteKeepsTheRecordsAndTheFile() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricsLog log = MetricsLog.create(file);
        log.append(record(1));
        // Replace the log by a non-empty folder: renaming over it fails.
        Files.delete(file);
        Files.createDirectories(file.resolve("blocker"));
        assertThatThrownBy(() -> log.append(record(2)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString());
        assertThat(log.records()).containsExactly(record(1));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void resumeKeepsTheEpochsUpToTheCheckpoint() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricsLog log = MetricsLog.create(file);
        for (int e = 1; e <= 5; e++) {
            log.append(record(e));
        }
        MetricsLog resumed = MetricsLog.resume(file, 3);
        assertThat(resumed.records()).containsExactly(record(1), record(2), record(3));
        assertThat(MetricsLog.read(file)).containsExactly(record(1), record(2), record(3));
        resumed.append(record(4));
        assertThat(MetricsLog.read(file))
                .containsExactly(record(1), record(2), record(3), record(4));

        assertThat(MetricsLog.resume(file, 10).records()).hasSize(4);
        assertThat(MetricsLog.resume(file, 0).records()).isEmpty();
        assertThat(Files.readString(file)).isEmpty();
        assertThatThrownBy(() -> MetricsLog.resume(file, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resumeWithoutAFileStartsEmpty() {
        Path file = dir.resolve("missing/metrics.jsonl");
        MetricsLog log = MetricsLog.resume(file, 7);
        assertThat(log.records()).isEmpty();
        assertThat(file).exists();
        assertThatThrownBy(() -> MetricsLog.read(dir.resolve("nope.jsonl")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("nope.jsonl");
    }

    @Test
    void malformedLineIsReportedWithFileAndLineNumber() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        JsonObject noLoss = record(3).toJson();
        noLoss.remove("val_loss");
        Files.writeString(file, record(1).toJsonLine() + "\n\n" + record(2).toJsonLine() + "\n"
                + noLoss + "\n");
        assertThatThrownBy(() -> MetricsLog.resume(file, 2))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage(file + ":4: missing key 'val_loss'");
        Files.writeString(file, record(1).toJsonLine() + "\n{\"epoch\": 2, trunc");
        assertThatThrownBy(() -> MetricsLog.read(file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith(file + ":2: ");
        Files.writeString(file, record(2).toJsonLine() + "\n" + record(1).toJsonLine() + "\n");
        assertThatThrownBy(() -> MetricsLog.read(file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith(file + ":2: epoch 1");
    }
}
