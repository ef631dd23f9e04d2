package org.visionzoo.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.testing.ProcessMemory;
import org.visionzoo.core.testing.Tolerance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The in-memory predictor: same logits as the file, thread-safe, flat memory, clear errors. */
class OnnxPredictorTest {

    @TempDir Path dir;

    private static ImageClassifier resnet20(NDManager manager) {
        return TestModels.create(Models.spec("resnet20"), 10, manager, 3);
    }

    @Test
    void inMemoryExportMatchesVisionZooAndTheFileAndCarriesMetadata() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = resnet20(manager);
            List<String> labels = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
                    "sneaker", "bag", "ankle boot");
            OnnxExport.Options options = OnnxExport.Options.defaults().withModelName("resnet20")
                    .withLabels(labels).withImageSize(32, 32).withFixedImageSize(true)
                    .withNormalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
            float[] x = TestModels.input(4, 3, 32, 9);
            float[] expected = Inference.logits(model, TestModels.array(manager, x, 4, 3, 32)).toFloatArray();
            Path file = dir.resolve("r.onnx");
            OnnxExport.write(model, file, options);
            try (OnnxPredictor memory = OnnxPredictor.of(model, options, OnnxPredictor.Settings.defaults().withThreads(1));
                    OnnxPredictor disk = OnnxPredictor.open(file, OnnxPredictor.Settings.defaults())) {
                Tolerance.assertAllClose("in memory", memory.logits(x, 4, 32, 32), expected);
                assertThat(disk.logits(x, 4, 32, 32)).containsExactly(memory.logits(x, 4, 32, 32));
                assertThat(memory.numClasses()).isEqualTo(10);
                assertThat(memory.metadata()).containsEntry("visionzoo.labels", String.join("\n", labels))
                        .containsEntry("visionzoo.image_size", "32").containsEntry("visionzoo.mean", "0.5,0.5,0.5")
                        .containsEntry("visionzoo.std", "0.25,0.25,0.25");
                NDArray fromArray = memory.logits(TestModels.array(manager, x, 4, 3, 32));
                assertThat(fromArray.getShape().getShape()).containsExactly(4, 10);
                // The fixed image size is part of the graph.
                assertThatThrownBy(() -> memory.logits(TestModels.input(1, 3, 40, 1), 1, 40, 40))
                        .isInstanceOf(IllegalStateException.class);
            }
        }
    }

    @Test
    void concurrentCallsAgreeAndMemoryStaysFlatOverManyCalls() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = resnet20(manager);
            try (OnnxPredictor ort = OnnxPredictor.of(model, OnnxExport.Options.defaults(),
                    OnnxPredictor.Settings.defaults().withThreads(1))) {
                float[] x = TestModels.input(1, 3, 16, 4);
                float[] reference = ort.logits(x, 1, 16, 16);
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<float[]>> results = new ArrayList<>();
                    for (int i = 0; i < 64; i++) {
                        results.add(pool.submit(() -> ort.logits(x, 1, 16, 16)));
                    }
                    for (Future<float[]> f : results) {
                        assertThat(f.get()).containsExactly(reference);
                    }
                } finally {
                    pool.shutdown();
                }
                for (int i = 0; i < 2_000; i++) {
                    ort.logits(x, 1, 16, 16); // warm-up: allocator arenas and JIT code reach their size
                }
                // RSS after every 2,000 of 10,000 calls: single readings move by several MB either
                // way (heap resizing, arenas), so the check is on the trend, not on one reading.
                Runtime rt = Runtime.getRuntime();
                System.gc();
                long heap = rt.totalMemory() - rt.freeMemory();
                long[] rss = new long[6];
                rss[0] = ProcessMemory.rssKb();
                for (int c = 1; c < rss.length; c++) {
                    for (int i = 0; i < 2_000; i++) {
                        ort.logits(x, 1, 16, 16);
                    }
                    System.gc();
                    rss[c] = ProcessMemory.rssKb();
                }
                long rssGrowth = rss[rss.length - 1] - java.util.Arrays.stream(rss).min().orElseThrow();
                long heapGrowth = rt.totalMemory() - rt.freeMemory() - heap;
                // 16 MB over 10,000 calls: a leak of 1.6 kB a call (one native tensor) shows
                assertThat(rssGrowth).as("RSS growth over 10,000 calls, kB (readings %s)",
                        java.util.Arrays.toString(rss)).isLessThan(16_000);
                assertThat(heapGrowth).as("heap growth over 10,000 calls, bytes").isLessThan(20L << 20);
            }
        }
    }

    @Test
    void badInputAndClosedPredictorAndFoldedModelsGiveClearErrors() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = resnet20(manager);
            OnnxPredictor ort = OnnxPredictor.of(model, OnnxExport.Options.defaults(), OnnxPredictor.Settings.defaults());
            assertThatThrownBy(() -> ort.logits(new float[10], 1, 32, 32))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1, 3, 32, 32) needs 3072 values, got 10");
            ort.close();
            ort.close();
            assertThatThrownBy(() -> ort.logits(new float[3 * 32 * 32], 1, 32, 32))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(() -> OnnxPredictor.open(dir.resolve("missing.onnx"), OnnxPredictor.Settings.defaults()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.onnx");
            Path garbage = dir.resolve("garbage.onnx");
            Files.write(garbage, new byte[] {1, 2, 3, 4, 5});
            assertThatThrownBy(() -> OnnxPredictor.open(garbage, OnnxPredictor.Settings.defaults()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("garbage.onnx");
            assertThatThrownBy(() -> OnnxExport.Options.defaults().withOpset(13))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[14, 17], got 13");
            assertThatThrownBy(() -> OnnxExport.write(model, dir.resolve("l.onnx"),
                    OnnxExport.Options.defaults().withLabels(List.of("a", "b"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 classes, got 2 labels");
            model.optimizeForInference();
            assertThatThrownBy(() -> OnnxExport.write(model, dir.resolve("f.onnx"), OnnxExport.Options.defaults()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("export it to ONNX");
            assertThat(dir.resolve("f.onnx")).doesNotExist();
        }
    }

    @Test
    void everySupportedOpsetAndUnfoldedBatchNormsGiveTheSameLogits() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = TestModels.create(Models.spec("mobilenet_v3_small"), 5, manager, 8);
            float[] x = TestModels.input(2, 3, 32, 2);
            float[] expected = Inference.logits(model, TestModels.array(manager, x, 2, 3, 32)).toFloatArray();
            List<Path> files = new ArrayList<>();
            for (int opset = OnnxExport.MIN_OPSET; opset <= OnnxExport.MAX_OPSET; opset++) {
                for (boolean fold : new boolean[] {true, false}) {
                    OnnxExport.Options options = OnnxExport.Options.defaults().withOpset(opset).withFoldBatchNorms(fold);
                    assertThat(OnnxExport.operators(model, options).contains("BatchNormalization")).isEqualTo(!fold);
                    Path file = dir.resolve("m" + opset + fold + ".onnx");
                    OnnxExport.write(model, file, options);
                    files.add(file);
                    try (OnnxPredictor ort = OnnxPredictor.open(file, OnnxPredictor.Settings.defaults().withThreads(1))) {
                        Tolerance.assertAllClose("opset " + opset + " fold " + fold, ort.logits(x, 2, 32, 32), expected);
                    }
                }
            }
            assertThat(OnnxChecker.assertValid(files)).anyMatch(l -> l.contains("opset 14")).anyMatch(l -> l.contains("opset 17"));
        }
    }
}
