package org.visionzoo.training.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.model.GradMode;
import org.visionzoo.core.weights.StateDict;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.data.ImageDataset;
import org.visionzoo.training.data.LabeledImages;
import org.visionzoo.training.loss.CrossEntropy;
import org.visionzoo.training.optim.AdamW;
import org.visionzoo.training.optim.Schedules;
import org.visionzoo.training.optim.Sgd;
import org.visionzoo.training.report.EpochRecord;
import org.visionzoo.training.report.StepLog;
import org.visionzoo.training.report.StepRecord;
import org.visionzoo.training.transform.Image;
import org.visionzoo.training.transform.Normalize;
import org.visionzoo.training.transform.RandomCrop;
import org.visionzoo.training.transform.RandomHorizontalFlip;
import org.visionzoo.training.transform.Transforms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

class TrainerTest {

    private static final int SIZE = 16;

    private static DataLoader loader(LabeledImages data, boolean train, long seed, int workers) {
        DataLoader.Builder b = DataLoader.builder(data).batchSize(32).seed(seed).workers(workers);
        if (train) {
            b.shuffle(true).transform(Transforms.compose(new RandomCrop(SIZE, 2, 0f),
                    new RandomHorizontalFlip(0.5), new Normalize(new float[] {0.4f}, new float[] {0.25f})));
        } else {
            b.transform(new Normalize(new float[] {0.4f}, new float[] {0.25f}));
        }
        return b.build();
    }

    private static Map<String, float[]> weights(ai.djl.nn.Block model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : StateDict.parameters(model).entrySet()) {
            out.put(e.getKey(), e.getValue().getArray().toFloatArray());
        }
        return out;
    }

    private static TrainerConfig.Builder recipe(SmallNet net, Path dir, int epochs, long seed) {
        return Trainer.builder(net)
                .optimizer(g -> Sgd.builder().momentum(0.9f).nesterov(true).build(g))
                .weightDecay(5e-4f)
                .schedule((perEpoch, total) -> Schedules.warmupCosine(0.05f, perEpoch / 2, total))
                .loss(CrossEntropy.builder().labelSmoothing(0.1f).build())
                .ema(0.9f)
                .epochs(epochs)
                .seed(seed)
                .runDirectory(dir);
    }

    @Test
    void learnsAndWritesTheRunDirectory(@TempDir Path dir) throws IOException {
        ImageDataset train = Synthetic.bands("bands/train", 512, 1, SIZE, 4, 1);
        ImageDataset test = Synthetic.bands("bands/test", 256, 1, SIZE, 4, 2);
        List<Integer> batchesSeen = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                DataLoader tl = loader(train, true, 3, 2);
                DataLoader vl = loader(test, false, 3, 2)) {
            SmallNet net = SmallNet.create(m, 1, 4, SIZE, true, 0f);
            try (Trainer trainer = recipe(net, dir, 3, 3).listener(new TrainingListener() {
                @Override
                public void onBatchEnd(int epoch, int batch, double loss, double lr, int images) {
                    batchesSeen.add(batch);
                }
            }).build()) {
                FitResult r = trainer.fit(tl, vl);
                assertThat(r.epochs()).hasSize(3);
                assertThat(r.stopReason()).isNull();
                EpochRecord last = r.last();
                assertThat(last.valTop1()).as("accuracy on 4 classes").isGreaterThan(0.9);
                assertThat(last.trainLoss()).isLessThan(r.epochs().get(0).trainLoss());
                assertThat(trainer.globalStep()).isEqualTo(3 * 16);
                assertThat(trainer.optimizer().stepCount()).isEqualTo(48);
                assertThat(batchesSeen).hasSize(48);
                assertThat(r.lastValidation().confusion().total()).isEqualTo(256);
                assertThat(Files.readAllLines(dir.resolve("metrics.jsonl"))).hasSize(3);
                // 16 steps an epoch: a curve point each, at its fraction of the epoch
                List<StepRecord> steps = StepLog.open(dir.resolve(StepLog.FILE), Long.MAX_VALUE).records();
                assertThat(steps).hasSize(48);
                assertThat(steps.get(0).step()).isEqualTo(1);
                assertThat(steps.get(0).epoch()).isEqualTo(1.0 / 16);
                assertThat(steps.get(47).epoch()).isEqualTo(3.0);
                assertThat(steps).allSatisfy(p -> assertThat(p.trainLoss()).isFinite());
                Checkpoint.State s = Checkpoint.readState(dir.resolve(Checkpoint.FILE));
                assertThat(s.records()).extracting(EpochRecord::epoch).containsExactly(1, 2, 3);
                assertThat(s.epochsDone()).isEqualTo(3);
                assertThat(s.globalStep()).isEqualTo(48);
                assertThat(s.emaUpdates()).isEqualTo(48);
                assertThat(s.bestEpoch()).isBetween(1, 3);
            }
        }
    }

    @Test
    void resumingGivesTheWeightsOfAnUninterruptedRun(@TempDir Path dir) throws IOException {
        ImageDataset train = Synthetic.bands("bands/train", 200, 1, SIZE, 3, 7);
        ImageDataset test = Synthetic.bands("bands/test", 64, 1, SIZE, 3, 8);
        Map<String, float[]> straight;
        Map<String, float[]> emaStraight = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager();
                DataLoader tl = loader(train, true, 11, 2);
                DataLoader vl = loader(test, false, 11, 2)) {
            Engine.getInstance().setRandomSeed(42);
            SmallNet net = SmallNet.create(m, 1, 3, SIZE, true, 0.3f);
            try (Trainer t = recipe(net, dir.resolve("straight"), 2, 11).build()) {
                t.fit(tl, vl);
                straight = weights(net);
                t.ema().state().forEach((k, v) -> emaStraight.put(k, v.toFloatArray()));
            }
        }
        Path resumed = dir.resolve("resumed");
        try (NDManager m = NDManager.newBaseManager();
                DataLoader tl = loader(train, true, 11, 0);
                DataLoader vl = loader(test, false, 11, 0)) {
            // a first run of 2 epochs, stopped after its first
            Engine.getInstance().setRandomSeed(42);
            SmallNet net = SmallNet.create(m, 1, 3, SIZE, true, 0.3f);
            try (Trainer t = recipe(net, resumed, 2, 11).build()) {
                t.requestStop("simulated interruption");
                FitResult r = t.fit(tl, vl);
                assertThat(r.epochs()).hasSize(1);
                assertThat(r.stopReason()).isEqualTo("simulated interruption");
            }
        }
        try (NDManager m = NDManager.newBaseManager();
                DataLoader tl = loader(train, true, 11, 3);
                DataLoader vl = loader(test, false, 11, 3)) {
            // a new process builds everything again, with other initial weights
            Engine.getInstance().setRandomSeed(99);
            SmallNet net = SmallNet.create(m, 1, 3, SIZE, true, 0.3f);
            try (Trainer t = recipe(net, resumed, 2, 11).build()) {
                Checkpoint.State s = t.resume(resumed.resolve(Checkpoint.FILE));
                assertThat(s.epochsDone()).isEqualTo(1);
                FitResult r = t.fit(tl, vl);
                assertThat(r.epochs()).extracting(EpochRecord::epoch).containsExactly(1, 2);
                Map<String, float[]> after = weights(net);
                assertThat(after.keySet()).isEqualTo(straight.keySet());
                for (String k : straight.keySet()) {
                    assertThat(after.get(k)).as(k).containsExactly(straight.get(k));
                }
                t.ema().state().forEach((k, v) -> assertThat(v.toFloatArray()).as("ema " + k)
                        .containsExactly(emaStraight.get(k)));
            }
        }
        assertThat(Files.readAllLines(resumed.resolve("metrics.jsonl"))).hasSize(2);
        // the step points of the resumed run: the first epoch's, then the second's, once each
        List<StepRecord> steps = StepLog.open(resumed.resolve(StepLog.FILE), Long.MAX_VALUE).records();
        assertThat(steps).extracting(StepRecord::step).doesNotHaveDuplicates().isSorted();
        assertThat(steps.get(steps.size() - 1).epoch()).isEqualTo(2.0);
    }

    @Test
    void resumeRefusesAnotherSeed(@TempDir Path dir) throws IOException {
        ImageDataset train = Synthetic.bands("bands/train", 64, 1, SIZE, 3, 7);
        try (NDManager m = NDManager.newBaseManager(); DataLoader tl = loader(train, true, 1, 0)) {
            SmallNet net = SmallNet.create(m, 1, 3, SIZE, true, 0f);
            try (Trainer t = recipe(net, dir, 1, 1).build()) {
                t.fit(tl, null);
            }
            try (Trainer t = recipe(net, dir, 2, 2).build()) {
                assertThatThrownBy(() -> t.resume(dir.resolve(Checkpoint.FILE)))
                        .hasMessageContaining("seed 1").hasMessageContaining("seed 2");
            }
        }
    }

    @Test
    void dataParallelReplicasMatchOneDeviceWithOneUpdatePerStep() {
        ImageDataset train = Synthetic.bands("bands/train", 96, 1, SIZE, 3, 5);
        Map<String, float[]> single;
        Map<String, float[]> initial;
        try (NDManager m = NDManager.newBaseManager(); DataLoader tl = loader(train, true, 4, 0)) {
            SmallNet net = SmallNet.create(m, 1, 3, SIZE, false, 0f);
            initial = weights(net);
            try (Trainer t = Trainer.builder(net).optimizer(g -> AdamW.builder().build(g)).weightDecay(0f)
                    .schedule((p, total) -> Schedules.warmupCosine(0.01f, 1, total)).epochs(2).seed(4).build()) {
                t.fit(tl, null);
                single = weights(net);
                assertThat(t.globalStep()).isEqualTo(6);
            }
        }
        try (NDManager m = NDManager.newBaseManager(); DataLoader tl = loader(train, true, 4, 0)) {
            SmallNet net = SmallNet.create(m, 1, 3, SIZE, false, 0f);
            // same initial weights as the single-device run: copy them in
            set(net, initial);
            List<Device> devices = Devices.parse("cpu:3", 0);
            AtomicInteger replicasMade = new AtomicInteger();
            try (Trainer t = Trainer.builder(net).optimizer(g -> AdamW.builder().build(g)).weightDecay(0f)
                    .schedule((p, total) -> Schedules.warmupCosine(0.01f, 1, total)).epochs(2).seed(4)
                    .devices(devices, rm -> {
                        replicasMade.incrementAndGet();
                        return SmallNet.create(rm, 1, 3, SIZE, false, 0f);
                    }).build()) {
                t.fit(tl, null);
                assertThat(replicasMade).hasValue(2);
                assertThat(t.globalStep()).as("schedule steps once per batch, not per replica").isEqualTo(6);
                assertThat(t.optimizer().stepCount()).isEqualTo(6);
                Map<String, float[]> multi = weights(net);
                for (String k : single.keySet()) {
                    assertThat(multi.get(k)).as(k).containsExactly(single.get(k),
                            org.assertj.core.data.Offset.offset(2e-5f));
                }
            }
        }
    }

    @SuppressWarnings("try")
    private static void set(SmallNet net, Map<String, float[]> values) {
        try (GradMode off = GradMode.disabled()) {
            StateDict.parameters(net).forEach((k, p) -> {
                NDArray a = p.getArray();
                try (NDArray src = a.getManager().create(values.get(k), a.getShape())) {
                    a.set(new NDIndex(":"), src);
                }
            });
        }
    }

    @Test
    void aNanLossStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws IOException {
        ImageDataset good = Synthetic.bands("bands/train", 64, 1, SIZE, 3, 7);
        AtomicInteger loads = new AtomicInteger();
        LabeledImages poisoned = new LabeledImages() {
            @Override
            public String name() {
                return "poisoned";
            }

            @Override
            public int size() {
                return good.size();
            }

            @Override
            public int channels() {
                return 1;
            }

            @Override
            public int label(int index) {
                return good.label(index);
            }

            @Override
            public List<String> classNames() {
                return good.classNames();
            }

            @Override
            public Image load(int index) {
                Image img = good.load(index);
                if (loads.incrementAndGet() > good.size() + 40) {
                    Arrays.fill(img.data(), Float.NaN);
                }
                return img;
            }
        };
        try (NDManager m = NDManager.newBaseManager(); DataLoader tl = loader(poisoned, true, 1, 0)) {
            SmallNet net = SmallNet.create(m, 1, 3, SIZE, true, 0f);
            try (Trainer t = recipe(net, dir, 3, 1).build()) {
                assertThatThrownBy(() -> t.fit(tl, null))
                        .isInstanceOf(TrainingDivergedException.class)
                        .hasMessageContaining("NaN")
                        .hasMessageContaining("epoch 2, batch 1")
                        .hasMessageContaining(dir.resolve(Checkpoint.FILE) + " (epoch 1), is kept");
                assertThat(t.globalStep()).isEqualTo(2 + 1);
            }
        }
        assertThat(Checkpoint.readState(dir.resolve(Checkpoint.FILE)).epochsDone()).isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void earlyStoppingEndsARunThatStopsImproving(@TempDir Path dir) {
        ImageDataset train = Synthetic.bands("bands/train", 64, 1, SIZE, 3, 7);
        try (NDManager m = NDManager.newBaseManager();
                DataLoader tl = loader(train, true, 1, 0);
                DataLoader vl = loader(train, false, 1, 0)) {
            SmallNet net = SmallNet.create(m, 1, 3, SIZE, false, 0f);
            try (Trainer t = Trainer.builder(net).schedule((p, total) -> Schedules.constant(0f))
                    .epochs(10).earlyStopping(2, 0.0).runDirectory(dir).build()) {
                FitResult r = t.fit(tl, vl);
                assertThat(r.epochs()).hasSize(3);
                assertThat(r.stopReason()).startsWith("early stopping").contains("for 2 epochs");
            }
        }
    }

    @Test
    void refusesAnUninitialisedModel() {
        SmallNet net = new SmallNet(1, 3, true, 0f);
        assertThatThrownBy(() -> Trainer.builder(net).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("initialise the model");
    }
}
