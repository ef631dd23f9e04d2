package org.visionzoo.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class BenchTest {

    private static final BenchOptions SMALL =
            BenchOptions.of("resnet20").withBatch(2).withImageSize(32).withIterations(2).withWarmup(1);

    @Test
    void evalReturnsSaneNumbersAndJson() {
        BenchResult r = Bench.run(SMALL);
        assertThat(r.model()).isEqualTo("resnet20");
        assertThat(r.mode()).isEqualTo("eval");
        assertThat(r.msPerIteration()).hasSize(2).allSatisfy(ms -> assertThat(ms).isPositive());
        assertThat(r.msPerBatch()).isBetween(r.msPerBatchP10(), r.msPerBatchP90());
        assertThat(r.imagesPerSecond()).isCloseTo(2 * 1000.0 / r.msPerBatch(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.peakRssMb()).isGreaterThan(10);
        assertThat(r.engine()).startsWith("PyTorch ").contains("DJL").endsWith(", channels-last, batch norms folded");
        assertThat(Bench.run(SMALL.withFoldBatchNorm(false).withChannelsLast(false)).engine())
                .endsWith(", contiguous NCHW, batch norms not folded");

        JsonObject json = JsonParser.parseString(r.toJson()).getAsJsonObject();
        assertThat(json.keySet()).contains("model", "mode", "batch", "image_size", "threads", "iterations",
                "images_per_second", "ms_per_batch", "ms_per_batch_p10", "ms_per_batch_p90", "peak_rss_mb", "engine");
        assertThat(json.get("image_size").getAsInt()).isEqualTo(32);
        assertThat(json.get("threads").getAsInt()).isEqualTo(2);
        assertThat(BenchResult.fromJson(r.toJson()).batch()).isEqualTo(2);
    }

    @Test
    void trainStepRunsAndUsesTheModelsImageSizeByDefault() {
        BenchResult r = Bench.run(SMALL.withImageSize(0).withTrain(true));
        assertThat(r.mode()).isEqualTo("train");
        assertThat(r.imageSize()).isEqualTo(32);
        assertThat(r.imagesPerSecond()).isPositive();
    }

    @Test
    void anotherThreadCountOnceTheEngineIsLoadedFailsClearly() {
        Bench.applyThreads(2);
        assertThatThrownBy(() -> Bench.run(SMALL.withThreads(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already loaded with 2")
                .hasMessageContaining("new process");
        assertThat(System.getProperty(Bench.THREADS_PROPERTY)).isEqualTo("2");
    }

    @Test
    void unknownModelNamesTheClosest() {
        assertThatThrownBy(() -> Bench.run(BenchOptions.of("resnet21")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resnet20");
    }
}
