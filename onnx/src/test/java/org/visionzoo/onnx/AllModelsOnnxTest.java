package org.visionzoo.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.testing.Tolerance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every registered model exports, passes ONNX's checker (full check), and gives VisionZoo's logits
 * in ONNX Runtime within {@code 1e-4 + 1e-3 |expected|} at batch 1 and 3. The models have random
 * weights and random batch-norm statistics, at 32x32 (the smallest size all accept) with 7 classes.
 */
class AllModelsOnnxTest {

    private static final int CLASSES = 7;

    @TempDir static Path dir;

    private static final List<Path> exported = new ArrayList<>();

    @Test
    void everyBlockClassOfEveryRegisteredModelHasAConverter() {
        BlockConverters converters = BlockConverters.standard();
        Set<String> missing = new TreeSet<>();
        List<ModelSpec> specs = Models.list();
        assertThat(specs).as("registered models").hasSizeGreaterThanOrEqualTo(35);
        for (ModelSpec spec : specs) {
            for (String m : converters.missing(spec.create(CLASSES))) {
                missing.add(m + " (in " + spec.name() + ")");
            }
        }
        assertThat(missing).as("block classes without an ONNX converter").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyModelExportsAndMatchesInOnnxRuntime() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 1;
        for (ModelSpec spec : Models.list()) {
            long s = seed++;
            tests.add(DynamicTest.dynamicTest(spec.name(), () -> exportAndCompare(spec, s)));
        }
        tests.add(DynamicTest.dynamicTest("onnx.checker (full_check) on every export",
                () -> assertThat(OnnxChecker.assertValid(exported)).hasSize(Models.list().size())));
        return tests.stream();
    }

    private static void exportAndCompare(ModelSpec spec, long seed) throws Exception {
        int channels = spec.inChannels();
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = TestModels.create(spec, CLASSES, manager, seed);
            Path file = dir.resolve(spec.name() + ".onnx");
            // Models above 50 MB of weights use external data: that path is checked too, and the
            // checker need not parse the big files.
            OnnxExport.ExternalData where = spec.params() > 12_500_000L
                    ? OnnxExport.ExternalData.ALWAYS : OnnxExport.ExternalData.NEVER;
            OnnxExport.write(model, file, OnnxExport.Options.defaults().withModelName(spec.name()).withExternalData(where));
            assertThat(java.nio.file.Files.exists(dir.resolve(spec.name() + ".onnx.data")))
                    .as("external data file").isEqualTo(where == OnnxExport.ExternalData.ALWAYS);
            synchronized (exported) {
                exported.add(file);
            }
            try (OnnxPredictor ort = OnnxPredictor.open(file, OnnxPredictor.Settings.defaults().withThreads(2))) {
                assertThat(ort.metadata()).containsEntry("visionzoo.model", spec.name());
                for (int batch : new int[] {1, 3}) {
                    float[] x = TestModels.input(batch, channels, TestModels.SIZE, seed * 10 + batch);
                    float[] expected;
                    try (NDManager pass = manager.newSubManager()) {
                        NDArray logits = Inference.logits(model, TestModels.array(pass, x, batch, channels, TestModels.SIZE));
                        expected = logits.toFloatArray();
                    }
                    float[] actual = ort.logits(x, batch, TestModels.SIZE, TestModels.SIZE);
                    assertThat(actual).hasSize(batch * CLASSES);
                    Tolerance.assertAllClose(spec.name() + " batch " + batch + " ONNX Runtime vs VisionZoo", actual, expected);
                }
            }
        }
    }
}
