package org.visionzoo.core.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.TinyNet;
import org.visionzoo.core.io.IoTestSupport;
import org.visionzoo.core.io.Npz;
import org.visionzoo.core.io.SafeTensors;
import org.visionzoo.core.io.TensorData;
import org.visionzoo.core.io.TensorFile;
import org.visionzoo.core.io.WeightsFormat;
import org.visionzoo.core.model.Inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

class WeightsTest {

    @TempDir Path dir;
    @AutoClose private final NDManager manager = NDManager.newBaseManager();

    private TinyNet tiny(int classes) {
        TinyNet net = new TinyNet(classes);
        net.initialize(manager, 16);
        return net;
    }

    @Test
    void stateDictKeysFollowTheNamingRule() {
        Map<String, ai.djl.nn.Parameter> keys = StateDict.parameters(tiny(5));
        assertThat(keys.keySet())
                .startsWith("features.0.0.weight", "features.0.1.weight", "features.0.1.bias", "features.0.1.running_mean", "features.0.1.running_var")
                .contains("features.2.fc1.weight", "features.2.fc2.bias", "classifier.weight")
                .endsWith("classifier.bias");
        assertThat(StateDict.batchNormPrefixes(tiny(5))).containsExactly("features.0.1.", "features.1.1.", "features.3.1.");
        assertThat(StateDict.torchName("gamma")).isEqualTo("weight");
        assertThat(StateDict.torchName("runningVar")).isEqualTo("running_var");
    }

    @Test
    void saveThenLoadRestoresTheSameLogits() throws IOException {
        TinyNet a = tiny(5);
        Path file = dir.resolve("tiny.safetensors");
        Weights.save(a, file);
        TinyNet b = tiny(5);
        LoadReport report = Weights.load(b, file);
        assertThat(report.isComplete()).isTrue();
        NDArray x = manager.randomNormal(new Shape(2, 3, 16, 16));
        assertThat(Inference.logits(b, x).toFloatArray()).containsExactly(Inference.logits(a, x).toFloatArray());
    }

    @Test
    void loadsTorchSaveFilesBareOrWrappedAndSaysWhere() throws IOException {
        TinyNet a = tiny(5);
        Path safetensors = dir.resolve("tiny.safetensors");
        Weights.save(a, safetensors);
        NDArray x = manager.randomNormal(new Shape(2, 3, 16, 16));
        float[] expected = Inference.logits(a, x).toFloatArray();
        for (String key : List.of("", "model_ema")) {
            Path pth = dir.resolve("tiny" + key + ".pt");
            org.visionzoo.core.testing.PthFixtures.resave(safetensors, pth, key);
            assertThat(WeightsFormat.detect(pth)).isEqualTo(WeightsFormat.PTH);
            TinyNet b = tiny(5);
            LoadReport report = Weights.load(b, pth);
            assertThat(report.isComplete()).isTrue();
            assertThat(report.checkpointKey()).isEqualTo(key);
            assertThat(report.renamed()).isEmpty();
            assertThat(Inference.logits(b, x).toFloatArray()).containsExactly(expected);
        }
        // A .pth that does not fit is refused like any other file, the model untouched.
        Path pth = dir.resolve("tiny.pt");
        TinyNet seven = tiny(7);
        float[] before = seven.getParameters().valueAt(0).getArray().toFloatArray();
        assertThatThrownBy(() -> Weights.load(seven, pth))
                .isInstanceOf(WeightsMismatchException.class)
                .hasMessageContaining("classifier.weight (file [5,");
        assertThat(seven.getParameters().valueAt(0).getArray().toFloatArray()).containsExactly(before);
    }

    @Test
    void exportHoldsNumBatchesTrackedForEveryBatchNorm() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Weights.save(tiny(5), file);
        try (TensorFile tf = SafeTensors.read(file)) {
            assertThat(tf.names()).contains("features.0.1.num_batches_tracked", "features.3.1.num_batches_tracked");
            assertThat(tf.names().indexOf("features.0.1.num_batches_tracked"))
                    .isEqualTo(tf.names().indexOf("features.0.1.running_var") + 1);
            assertThat(tf.get("features.0.1.num_batches_tracked").shape()).isEmpty();
        }
    }

    @Test
    void loadsNpzToo() throws IOException {
        TinyNet a = tiny(5);
        Path st = dir.resolve("tiny.safetensors");
        Weights.save(a, st);
        List<TensorData> tensors = new ArrayList<>();
        try (TensorFile tf = SafeTensors.read(st)) {
            for (String name : tf.names()) {
                TensorData t = tf.get(name);
                tensors.add(TensorData.of(t.name(), t.dtype(), t.shape(), copy(t.data())));
            }
        }
        Path npz = dir.resolve("tiny.npz");
        Npz.write(npz, tensors);
        TinyNet b = tiny(5);
        Weights.load(b, npz);
        NDArray x = manager.randomNormal(new Shape(1, 3, 16, 16));
        assertThat(Inference.logits(b, x).toFloatArray()).containsExactly(Inference.logits(a, x).toFloatArray());
    }

    @Test
    void anNpzWhoseNamesDoNotFitIsRefusedBeforeAnythingIsInflated() throws IOException {
        // Four 256 MiB arrays of zeros under names the model lacks, as a 1 MB file.
        Path bomb = dir.resolve("bomb.npz");
        byte[] header = IoTestSupport.npyHeader("<f4", 67108864);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            byte[] zeros = new byte[1 << 20];
            for (int e = 0; e < 4; e++) {
                zip.putNextEntry(new ZipEntry("junk" + e + ".npy"));
                zip.write(header);
                for (int i = 0; i < 256; i++) {
                    zip.write(zeros);
                }
                zip.closeEntry();
            }
        }
        TinyNet net = tiny(5);
        long start = System.nanoTime();
        assertThatThrownBy(() -> Weights.load(net, bomb)).isInstanceOf(WeightsMismatchException.class)
                .hasMessageContaining("junk0");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds to refuse it").isLessThan(2);
    }

    @Test
    void aSafetensorsHeaderLengthThatStartsWithPkIsStillSafetensors() throws IOException {
        // 0x4B50 = "PK" little-endian: a header of 19,280 bytes (metadata pads it) once sent the
        // file to the zip reader.
        TinyNet a = tiny(5);
        List<TensorData> tensors = Weights.stateDict(a);
        Path file = dir.resolve("pk.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt", "note", ""));
        long base = headerLength(file);
        for (long pad = Math.max(0, 0x4B50 - base - 8); headerLength(file) != 0x4B50; pad++) {
            assertThat(pad).as("padding tried").isLessThan(0x4B50 - base + 16);
            SafeTensors.write(file, tensors, Map.of("format", "pt", "note", "x".repeat((int) pad)));
        }
        assertThat(new String(Files.readAllBytes(file), 0, 2, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("PK");
        assertThat(WeightsFormat.detect(file)).isEqualTo(WeightsFormat.SAFETENSORS);
        TinyNet b = tiny(5);
        Weights.load(b, file);
        NDArray x = manager.randomNormal(new Shape(1, 3, 16, 16));
        assertThat(Inference.logits(b, x).toFloatArray()).containsExactly(Inference.logits(a, x).toFloatArray());
    }

    private static long headerLength(Path file) throws IOException {
        return java.nio.ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static java.nio.ByteBuffer copy(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer c = java.nio.ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate());
        return c.flip();
    }

    @Test
    void strictLoadReportsEveryProblemTogetherAndLeavesTheModelUntouched() throws IOException {
        Path file = dir.resolve("ten.safetensors");
        Weights.save(tiny(10), file);
        // rewrite the file with one key renamed and one removed
        List<TensorData> tensors = new ArrayList<>();
        try (TensorFile tf = SafeTensors.read(file)) {
            for (String name : tf.names()) {
                TensorData t = tf.get(name);
                if (name.equals("features.0.1.bias")) {
                    continue;
                }
                String renamed = name.equals("features.2.fc1.bias") ? "features.2.fc1.bias_typo" : name;
                tensors.add(TensorData.of(renamed, t.dtype(), t.shape(), copy(t.data())));
            }
        }
        Path broken = dir.resolve("broken.safetensors");
        SafeTensors.write(broken, tensors, Map.of());
        TinyNet five = tiny(5);
        float[] before = five.getParameters().valueAt(0).getArray().toFloatArray();
        assertThatThrownBy(() -> Weights.load(five, broken))
                .isInstanceOf(WeightsMismatchException.class)
                .hasMessageContaining("broken.safetensors")
                .hasMessageContaining("missing keys: features.0.1.bias, features.2.fc1.bias")
                .hasMessageContaining("unexpected keys: features.2.fc1.bias_typo")
                .hasMessageContaining("classifier.weight (file [10, 16], model [5, 16])")
                .hasMessageContaining("classifier.bias (file [10], model [5])");
        assertThat(five.getParameters().valueAt(0).getArray().toFloatArray()).containsExactly(before);
    }

    @Test
    void excludingTheHeadLoadsTheBackboneForFineTuning() throws IOException {
        TinyNet ten = tiny(10);
        Path file = dir.resolve("ten.safetensors");
        Weights.save(ten, file);
        TinyNet five = tiny(5);
        LoadReport r = Weights.load(five, file, LoadOptions.strict().excluding("classifier."));
        assertThat(r.excluded()).contains("classifier.weight", "classifier.bias");
        assertThat(r.missing()).isEmpty();
        NDArray x = manager.randomNormal(new Shape(1, 3, 16, 16));
        assertThat(Inference.features(five, x).toFloatArray()).containsExactly(Inference.features(ten, x).toFloatArray());
    }

    @Test
    void replacingAMismatchedHeadKeepsItFreshAndLoadsAMatchingOne() throws IOException {
        TinyNet ten = tiny(10);
        Path file = dir.resolve("ten-replace.safetensors");
        Weights.save(ten, file);
        TinyNet five = tiny(5);
        float[] freshHead = five.head().getParameters().get("weight").getArray().toFloatArray();
        LoadReport r = Weights.load(five, file, LoadOptions.strict().replacingMismatched("classifier."));
        assertThat(r.excluded()).contains("classifier.weight", "classifier.bias");
        assertThat(r.loaded()).doesNotContain("classifier.weight");
        assertThat(five.head().getParameters().get("weight").getArray().toFloatArray()).containsExactly(freshHead);
        NDArray x = manager.randomNormal(new Shape(1, 3, 16, 16));
        assertThat(Inference.features(five, x).toFloatArray()).containsExactly(Inference.features(ten, x).toFloatArray());
        TinyNet other = tiny(10);
        LoadReport same = Weights.load(other, file, LoadOptions.strict().replacingMismatched("classifier."));
        assertThat(same.loaded()).contains("classifier.weight", "classifier.bias");
        assertThat(same.excluded()).isEmpty();
        assertThatThrownBy(() -> LoadOptions.strict().replacingMismatched("")).hasMessageContaining("prefix");
    }

    @Test
    void lenientLoadReportsMissingKeysInsteadOfFailing() throws IOException {
        Path file = dir.resolve("partial.safetensors");
        SafeTensors.write(file, List.of(TensorData.ofFloats("classifier.bias", new long[] {5}, new float[] {1, 2, 3, 4, 5})), Map.of());
        TinyNet net = tiny(5);
        LoadReport r = Weights.load(net, file, LoadOptions.lenient());
        assertThat(r.loaded()).containsExactly("classifier.bias");
        assertThat(r.missing()).contains("classifier.weight", "features.0.0.weight");
        assertThat(net.head().getParameters().get("bias").getArray().toFloatArray()).containsExactly(1, 2, 3, 4, 5);
        assertThatThrownBy(() -> Weights.load(net, file)).isInstanceOf(WeightsMismatchException.class).hasMessageContaining("strict");
    }

    @Test
    void anIntegerTensorForAFloatParameterIsRefused() throws IOException {
        Path file = dir.resolve("int.safetensors");
        java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(5 * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        SafeTensors.write(file, List.of(TensorData.of("classifier.bias", org.visionzoo.core.io.DType.I64, new long[] {5}, data)), Map.of());
        assertThatThrownBy(() -> Weights.load(tiny(5), file, LoadOptions.lenient()))
                .hasMessageContaining("classifier.bias (I64, expected a floating-point type)");
    }

    @Test
    void missingFileAndUninitialisedModelGiveClearErrors() {
        assertThatThrownBy(() -> Weights.load(tiny(5), dir.resolve("nope.safetensors")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("nope.safetensors");
        assertThatThrownBy(() -> Weights.load(new TinyNet(5), dir.resolve("x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("initialise the model before loading weights");
    }

    @Test
    void aTruncatedFileIsAFormatErrorAndNothingIsLoaded() throws IOException {
        Path file = dir.resolve("t.safetensors");
        Weights.save(tiny(5), file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        TinyNet net = tiny(5);
        assertThatThrownBy(() -> Weights.load(net, file))
                .isInstanceOf(org.visionzoo.core.io.TensorFormatException.class)
                .hasMessageContaining("t.safetensors");
    }
}
