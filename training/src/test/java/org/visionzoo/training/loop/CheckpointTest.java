package org.visionzoo.training.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.io.SafeTensors;
import org.visionzoo.core.io.TensorFile;
import org.visionzoo.core.weights.LoadOptions;
import org.visionzoo.core.weights.StateDict;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.core.weights.WeightsMismatchException;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.optim.AdamW;
import org.visionzoo.training.optim.Schedules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

@SuppressWarnings("try") // trainers opened only to be closed
class CheckpointTest {

    private static Trainer trained(NDManager m, Path dir, boolean ema) {
        SmallNet net = SmallNet.create(m, 1, 3, 8, true, 0f);
        TrainerConfig.Builder b = Trainer.builder(net).optimizer(g -> AdamW.builder().build(g)).weightDecay(0f)
                .schedule((p, t) -> Schedules.constant(0.01f)).runDirectory(dir).epochs(1);
        if (ema) {
            b.ema(0.99f);
        }
        Trainer t = b.build();
        try (DataLoader l = DataLoader.builder(Synthetic.bands("s", 40, 1, 8, 3, 1)).batchSize(16).workers(0).build()) {
            t.fit(l, null);
        }
        return t;
    }

    @Test
    void holdsModelOptimizerEmaAndState(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(); Trainer t = trained(m, dir, true)) {
            try (TensorFile tf = SafeTensors.read(dir.resolve(Checkpoint.FILE))) {
                assertThat(tf.names()).contains("model.features.0.0.weight", "model.features.0.1.num_batches_tracked",
                        "optimizer.features.0.0.weight.exp_avg", "optimizer.classifier.bias.exp_avg_sq",
                        "ema.classifier.weight");
                assertThat(tf.metadata().get(Checkpoint.METADATA_KEY)).contains("\"epochsDone\":1");
            }
            Checkpoint.State s = Checkpoint.readState(dir.resolve(Checkpoint.FILE));
            assertThat(s.globalStep()).isEqualTo(3);
            assertThat(s.optimizerSteps()).isEqualTo(3);
            assertThat(s.emaUpdates()).isEqualTo(3);
        }
    }

    @Test
    void anInterruptedWriteLeavesThePreviousCheckpointWhole(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(); Trainer t = trained(m, dir, false)) {
            Path file = dir.resolve(Checkpoint.FILE);
            byte[] before = Files.readAllBytes(file);
            Checkpoint.State later = new Checkpoint.State(Checkpoint.FORMAT_VERSION, 2, 6, 6, 0, 0, 0.5, 2, 0, Map.of(), List.of());
            Thread.currentThread().interrupt(); // a FileChannel write on an interrupted thread fails
            try {
                assertThatThrownBy(() -> Checkpoint.write(file, t.model(), t.optimizer(), null, later))
                        .isInstanceOf(IOException.class);
            } finally {
                Thread.interrupted();
            }
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
            assertThat(Checkpoint.readState(file).epochsDone()).isEqualTo(1);
        }
    }

    @Test
    void exportsWeightsThatLoadStrictlyIntoAFreshModel(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(); Trainer t = trained(m, dir, true)) {
            Path out = dir.resolve("weights.safetensors");
            Checkpoint.exportWeights(dir.resolve(Checkpoint.FILE), out, false);
            SmallNet fresh = SmallNet.create(m, 1, 3, 8, true, 0f);
            Weights.load(fresh, out, LoadOptions.strict());
            assertThat(StateDict.parameters(fresh).get("classifier.weight").getArray()
                    .toFloatArray()).containsExactly(StateDict.parameters(t.model())
                    .get("classifier.weight").getArray().toFloatArray());
            Path emaOut = dir.resolve("ema.safetensors");
            Checkpoint.exportWeights(dir.resolve(Checkpoint.FILE), emaOut, true);
            Weights.load(fresh, emaOut, LoadOptions.strict());
            assertThat(StateDict.parameters(fresh).get("classifier.weight").getArray()
                    .toFloatArray()).containsExactly(t.ema().state().get("classifier.weight").toFloatArray());
        }
    }

    @Test
    void refusesFilesThatDoNotFit(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(); Trainer t = trained(m, dir, false)) {
            Path file = dir.resolve(Checkpoint.FILE);
            Path weights = dir.resolve("w.safetensors");
            Weights.save(t.model(), weights);
            assertThatThrownBy(() -> Checkpoint.readState(weights))
                    .hasMessageContaining("not a VisionZoo training checkpoint");
            assertThatThrownBy(() -> Checkpoint.readState(dir.resolve("missing.safetensors")))
                    .hasMessageContaining("missing.safetensors");
            SmallNet other = SmallNet.create(m, 1, 5, 8, true, 0f);
            try (Trainer t2 = Trainer.builder(other).optimizer(g -> AdamW.builder().build(g)).weightDecay(0f).build()) {
                assertThatThrownBy(() -> t2.resume(file))
                        .isInstanceOf(WeightsMismatchException.class)
                        .hasMessageContaining("classifier.weight");
            }
            SmallNet same = SmallNet.create(m, 1, 3, 8, true, 0f);
            try (Trainer sgd = Trainer.builder(same).build()) {
                assertThatThrownBy(() -> sgd.resume(file))
                        .hasMessageContaining(file.toString())
                        .hasMessageContaining("exp_avg");
            }
            byte[] bytes = Files.readAllBytes(file);
            Path truncated = dir.resolve("truncated.safetensors");
            Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            assertThatThrownBy(() -> Checkpoint.readState(truncated)).isInstanceOf(IOException.class)
                    .hasMessageContaining("truncated.safetensors");
        }
    }
}
