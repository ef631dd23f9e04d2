package org.visionzoo.training.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.visionzoo.core.model.GradMode;
import org.visionzoo.core.weights.StateDict;
import org.visionzoo.training.data.Batch;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.loss.CrossEntropy;
import org.visionzoo.training.metrics.ConfusionMatrix;
import org.visionzoo.training.metrics.TopK;
import org.visionzoo.training.optim.GradClip;
import org.visionzoo.training.optim.LrSchedule;
import org.visionzoo.training.optim.Optimizer;
import org.visionzoo.training.optim.ParamGroup;
import org.visionzoo.training.optim.ParamGroups;
import org.visionzoo.training.optim.Schedules;
import org.visionzoo.training.optim.Sgd;
import org.visionzoo.training.report.CurvePlots;
import org.visionzoo.training.report.EpochRecord;
import org.visionzoo.training.report.MetricsLog;
import org.visionzoo.training.report.StepLog;
import org.visionzoo.training.report.StepRecord;
import org.visionzoo.training.report.TrainingProgress;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The training loop: {@link #fit}, {@link #evaluate} and {@link #predict} for any DJL block that
 * maps {@code (N, C, H, W)} images to {@code (N, K)} logits, with PyTorch's optimizer semantics,
 * a per-iteration learning-rate schedule, optional EMA, gradient clipping, early stopping, a
 * divergence check, atomic checkpoints with exact resume, {@code metrics.jsonl} and plots.
 *
 * <pre>{@code
 * ResNet model = ResNet.builder()...build();
 * model.initialize(manager, 28);
 * try (Trainer trainer = Trainer.builder(model)
 *         .optimizer(groups -> Sgd.builder().momentum(0.9f).nesterov(true).build(groups))
 *         .weightDecay(5e-4f)
 *         .schedule((perEpoch, total) -> Schedules.warmupCosine(0.1f, 0, total))
 *         .epochs(2).runDirectory(out).seed(5).build()) {
 *     FitResult result = trainer.fit(trainLoader, testLoader);
 * }
 * }</pre>
 *
 * <p><b>Exact resume.</b> A checkpoint is written after each epoch. Every random choice of a run
 * derives from its seed, the epoch and the position in the epoch (the {@link DataLoader}'s order
 * and augmentations, and the engine's seed, reset at the start of each epoch for dropout), so a
 * run resumed from the checkpoint of epoch {@code e} computes what the uninterrupted run would
 * have: the same weights, bit for bit on the CPU.
 *
 * <p><b>Several devices.</b> With {@link Builder#devices} the model is replicated: each step
 * splits the batch across the replicas, weights each shard's mean loss by its share of the batch
 * (so the summed gradients are the whole batch's mean gradient, which is the average of the
 * replicas' gradients for equal shards), reduces the gradients onto the first device, runs
 * <em>one</em> optimizer update and one schedule step there, and copies the weights and the
 * batch-norm statistics back to the replicas (PyTorch's {@code DataParallel} semantics: the
 * statistics of the first device are kept).
 *
 * <p>Memory: each step's arrays live in a sub-manager closed at the end of the step, so native
 * memory stays flat over any number of iterations. Not thread-safe; one trainer per model.
 */
@SuppressWarnings("try") // GradMode handles only restore the mode on close
public final class Trainer implements AutoCloseable {

    private static final NDIndex ALL = new NDIndex(":");

    private final Block model;
    private final List<Device> devices;
    private final List<Block> replicas;
    private final List<NDManager> replicaManagers;
    private final CrossEntropy loss;
    private final CrossEntropy evalLoss = CrossEntropy.create();
    private final Optimizer optimizer;
    private final List<Parameter> trainable;
    private final Ema ema;
    private final ScheduleFactory scheduleFactory;
    private final int epochs;
    private final float clipNorm;
    private final Path runDirectory;
    private final List<TrainingListener> listeners;
    private final int patience;
    private final double minDelta;
    private final long seed;
    private final boolean progress;
    private final PrintStream progressOut;
    private final Map<String, String> info;
    /** The records of the epochs done, restored by {@link #resume}, saved in every checkpoint. */
    private final List<EpochRecord> history = new ArrayList<>();
    private final String title;

    private int epochsDone;
    private long globalStep;
    private double bestMetric = Double.NaN;
    private int bestEpoch;
    private int epochsWithoutImprovement;
    private volatile String stopRequest;

    private Trainer(Builder b) {
        this.model = b.model;
        this.loss = b.loss;
        this.scheduleFactory = b.schedule;
        this.epochs = b.epochs;
        this.clipNorm = b.clipNorm;
        this.runDirectory = b.runDirectory;
        this.listeners = List.copyOf(b.listeners);
        this.patience = b.patience;
        this.minDelta = b.minDelta;
        this.seed = b.seed;
        this.progress = b.progress;
        this.progressOut = b.progressOut;
        this.info = Map.copyOf(b.info);
        this.title = b.title;
        Map<String, Parameter> params = StateDict.parameters(model);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalStateException("initialise the model before building a trainer (parameter "
                        + e.getKey() + " has no value), e.g. ImageClassifier.initialize(manager, imageSize)");
            }
        }
        Device primary = params.values().iterator().next().getArray().getDevice();
        this.devices = b.devices == null ? List.of(primary) : List.copyOf(b.devices);
        if (!devices.get(0).equals(primary)) {
            throw new IllegalArgumentException("the model's parameters are on " + primary
                    + " but the first device is " + devices.get(0)
                    + ": initialise the model with a manager on the first device");
        }
        List<ParamGroup> groups = b.groups != null ? b.groups : ParamGroups.defaultGroups(model, b.weightDecay);
        this.trainable = new ArrayList<>();
        for (ParamGroup g : groups) {
            trainable.addAll(g.parameters().values());
        }
        this.optimizer = Objects.requireNonNull(b.optimizer.apply(groups), "the optimizer factory returned null");
        this.ema = b.emaDecay > 0 ? new Ema(model, b.emaDecay) : null;
        this.replicas = new ArrayList<>();
        this.replicaManagers = new ArrayList<>();
        replicas.add(model);
        replicaManagers.add(null);
        for (int i = 1; i < devices.size(); i++) {
            if (b.replicaFactory == null) {
                throw new IllegalArgumentException("training on " + devices.size()
                        + " devices needs a replica factory (Builder.devices(devices, factory))");
            }
            NDManager m = NDManager.newBaseManager(devices.get(i));
            replicaManagers.add(m);
            Block r = b.replicaFactory.apply(m);
            Map<String, Parameter> rp = StateDict.parameters(r);
            if (!rp.keySet().equals(params.keySet())) {
                throw new IllegalArgumentException("replica " + i + " does not have the model's parameters");
            }
            replicas.add(r);
        }
        broadcast();
    }

    /**
     * Starts a trainer for an initialised model.
     *
     * @param model the model, initialised on the first device
     * @return a builder
     */
    public static Builder builder(Block model) {
        return new Builder(model);
    }

    /**
     * The model trained (the primary replica).
     *
     * @return the model
     */
    public Block model() {
        return model;
    }

    /**
     * The optimizer.
     *
     * @return the optimizer
     */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * The EMA, if enabled.
     *
     * @return the EMA or {@code null}
     */
    public Ema ema() {
        return ema;
    }

    /**
     * The devices, the first being the primary.
     *
     * @return the devices
     */
    public List<Device> devices() {
        return devices;
    }

    /**
     * Epochs completed (restored by {@link #resume}).
     *
     * @return the count
     */
    public int epochsDone() {
        return epochsDone;
    }

    /**
     * Optimizer updates done so far: the schedule's position.
     *
     * @return the global step
     */
    public long globalStep() {
        return globalStep;
    }

    /**
     * Asks {@link #fit} to stop after the current epoch (its checkpoint is still written). Safe
     * from any thread, e.g. a listener or a shutdown hook.
     *
     * @param reason why, reported in {@link FitResult#stopReason()}
     */
    public void requestStop(String reason) {
        this.stopRequest = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Continues a run from its checkpoint: weights, optimizer state, EMA, epoch, step and the
     * early-stopping record. The next {@link #fit} starts at the epoch after the checkpoint's.
     *
     * @param checkpoint the checkpoint file
     * @return the checkpoint's state
     * @throws IOException if the file is unreadable or does not fit this model and optimizer
     * @throws IllegalArgumentException if the checkpoint was written with another seed, or has
     *     more epochs than this run
     */
    public Checkpoint.State resume(Path checkpoint) throws IOException {
        Checkpoint.State s = Checkpoint.readState(checkpoint);
        if (s.seed() != seed) {
            throw new IllegalArgumentException(checkpoint + " was written by a run with seed " + s.seed()
                    + ", this run has seed " + seed + ": resume with the same seed to continue it exactly");
        }
        if (s.epochsDone() > epochs) {
            throw new IllegalArgumentException(checkpoint + " has " + s.epochsDone()
                    + " epochs done, more than this run's " + epochs);
        }
        s = Checkpoint.load(checkpoint, model, optimizer, ema);
        history.clear();
        history.addAll(s.records());
        epochsDone = s.epochsDone();
        globalStep = s.globalStep();
        bestMetric = s.bestMetric();
        bestEpoch = s.bestEpoch();
        epochsWithoutImprovement = s.epochsWithoutImprovement();
        broadcast();
        return s;
    }

    /**
     * Trains from the current epoch to the last, evaluating on {@code validation} after each
     * epoch and writing the checkpoint, {@code metrics.jsonl} and the plots to the run directory.
     *
     * @param train the training data (shuffled, augmented)
     * @param validation the validation data, or {@code null}
     * @return the epochs' records and why training stopped early, if it did
     * @throws TrainingDivergedException if the loss becomes NaN or infinite (the last good
     *     checkpoint is kept)
     * @throws UncheckedIOException if data cannot be read or the run directory written
     */
    public FitResult fit(DataLoader train, DataLoader validation) {
        Objects.requireNonNull(train, "train");
        int perEpoch = train.batchesPerEpoch();
        long total = (long) perEpoch * epochs;
        LrSchedule schedule = scheduleFactory.create(perEpoch, total);
        if (globalStep > total) {
            throw new IllegalStateException("the checkpoint's global step " + globalStep + " is beyond this run's "
                    + total + " steps (" + epochs + " epochs of " + perEpoch + " batches): it belongs to another"
                    + " run, or was altered");
        }
        MetricsLog log = null;
        StepLog steps = runDirectory == null ? null : StepLog.open(runDirectory.resolve(StepLog.FILE), globalStep);
        try {
            if (runDirectory != null) {
                Files.createDirectories(runDirectory);
                Path file = runDirectory.resolve("metrics.jsonl");
                if (epochsDone > 0 && history.size() == epochsDone) {
                    log = MetricsLog.restore(file, history); // the checkpoint's record of the epochs
                } else {
                    log = epochsDone > 0 && Files.exists(file) ? MetricsLog.resume(file, epochsDone) : MetricsLog.create(file);
                    history.clear();
                    history.addAll(log.records());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (TrainingListener l : listeners) {
            l.onFitStart(epochsDone + 1, epochs, perEpoch);
        }
        String stopReason = null;
        EvalResult lastVal = null;
        while (epochsDone < epochs) {
            int epoch = epochsDone + 1;
            Engine.getInstance().setRandomSeed((int) DataLoaderSeeds.mix(seed, epoch));
            long t0 = System.nanoTime();
            EpochTotals tr = trainEpoch(train, epoch, schedule, steps);
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            EvalResult val = validation == null ? null : evaluate(validation);
            lastVal = val;
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> extra = new LinkedHashMap<>();
            extra.put("global_step", (double) globalStep);
            extra.put("train_seconds", trainSeconds);
            EpochRecord record = new EpochRecord(epoch, tr.meanLoss(), tr.top1(),
                    val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.top1(),
                    val == null ? Double.NaN : val.top5(), tr.lastLr,
                    tr.images / trainSeconds, seconds, extra);
            if (val != null) {
                if (Double.isNaN(bestMetric) || val.top1() > bestMetric + minDelta) {
                    bestMetric = val.top1();
                    bestEpoch = epoch;
                    epochsWithoutImprovement = 0;
                } else {
                    epochsWithoutImprovement++;
                }
            }
            epochsDone = epoch;
            history.add(record);
            if (runDirectory != null) {
                try {
                    Checkpoint.write(runDirectory.resolve(Checkpoint.FILE), model, optimizer, ema, state());
                    log.append(record);
                    steps.save();
                    CurvePlots.write(log.records(), steps.records(), runDirectory, title);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            for (TrainingListener l : listeners) {
                l.onEpochEnd(record, val);
            }
            if (patience > 0 && epochsWithoutImprovement >= patience) {
                stopReason = "early stopping: validation top-1 did not improve by more than " + minDelta
                        + " for " + patience + " epochs (best " + String.format("%.4f", bestMetric)
                        + " at epoch " + bestEpoch + ")";
                break;
            }
            if (stopRequest != null && epochsDone < epochs) {
                stopReason = stopRequest;
                break;
            }
        }
        FitResult result = new FitResult(List.copyOf(history), stopReason, lastVal);
        for (TrainingListener l : listeners) {
            l.onFitEnd(result);
        }
        return result;
    }

    /**
     * The state a checkpoint written now would hold.
     *
     * @return the state
     */
    public Checkpoint.State state() {
        return new Checkpoint.State(Checkpoint.FORMAT_VERSION, epochsDone, globalStep,
                optimizer.stepCount(), ema == null ? 0 : ema.updates(), seed, bestMetric, bestEpoch,
                epochsWithoutImprovement, info, history.stream().map(EpochRecord::toJsonLine).toList());
    }

    /** About how many points of the per-step curves each epoch gets. */
    private static final int STEP_POINTS_PER_EPOCH = 50;

    private static final class EpochTotals {
        double lossSum;
        long correct;
        long images;
        float lastLr;

        double meanLoss() {
            return images == 0 ? Double.NaN : lossSum / images;
        }

        double top1() {
            return images == 0 ? Double.NaN : (double) correct / images;
        }
    }

    private EpochTotals trainEpoch(DataLoader train, int epoch, LrSchedule schedule, StepLog steps) {
        EpochTotals totals = new EpochTotals();
        DataLoader.Epoch batches = train.epoch(epoch - 1);
        int perEpoch = batches.size();
        int window = Math.max(1, perEpoch / STEP_POINTS_PER_EPOCH);
        double windowLoss = 0;
        long windowCorrect = 0;
        long windowImages = 0;
        try (TrainingProgress bar = TrainingProgress.start(
                "epoch " + epoch + "/" + epochs, perEpoch, progress, progressOut)) {
            for (Batch batch : batches) {
                float lr = schedule.lr(globalStep);
                double lossBefore = totals.lossSum;
                long correctBefore = totals.correct;
                long imagesBefore = totals.images;
                double batchLoss = step(batch, lr, epoch, totals);
                totals.lastLr = lr;
                windowLoss += totals.lossSum - lossBefore;
                windowCorrect += totals.correct - correctBefore;
                windowImages += totals.images - imagesBefore;
                if (steps != null && ((batch.index() + 1) % window == 0 || batch.index() + 1 == perEpoch) && windowImages > 0) {
                    steps.add(new StepRecord(globalStep, epoch - 1 + (batch.index() + 1.0) / perEpoch,
                            windowLoss / windowImages, (double) windowCorrect / windowImages,
                            lr));
                    windowLoss = 0;
                    windowCorrect = 0;
                    windowImages = 0;
                }
                bar.step(batch.size(), totals.meanLoss());
                for (TrainingListener l : listeners) {
                    l.onBatchEnd(epoch, batch.index(), batchLoss, lr, batch.size());
                }
            }
        } finally {
            batches.close();
        }
        return totals;
    }

    private double step(Batch batch, float lr, int epoch, EpochTotals totals) {
        int n = Math.min(replicas.size(), batch.size());
        List<NDManager> scopes = new ArrayList<>(n);
        try {
            double lossSum = 0;
            long correct = 0;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                int start = 0;
                for (int r = 0; r < n; r++) {
                    int k = batch.size() / n + (r < batch.size() % n ? 1 : 0);
                    NDManager scope = managerOf(r).newSubManager();
                    scopes.add(scope);
                    NDArray x = scope.create(slice(batch.images(), start, k, batch.channels() * batch.height() * batch.width()),
                            new Shape(k, batch.channels(), batch.height(), batch.width()));
                    NDArray labels = scope.create(Arrays.copyOfRange(batch.labels(), start, start + k));
                    NDArray target = batch.softTargets() == null ? labels
                            : scope.create(slice(batch.softTargets(), start, k, batch.numClasses()),
                                    new Shape(k, batch.numClasses()));
                    NDArray logits = replicas.get(r).forward(new ParameterStore(scope, false), new NDList(x), true)
                            .singletonOrThrow();
                    NDArray l = loss.compute(logits, target);
                    float value = l.getFloat();
                    if (!Float.isFinite(value)) {
                        throw diverged(value, epoch, batch.index(), lr);
                    }
                    lossSum += (double) value * k;
                    try (NDArray pred = logits.argMax(1); NDArray hit = pred.toType(labels.getDataType(), false).eq(labels);
                            NDArray sum = hit.sum()) {
                        correct += sum.toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
                    }
                    if (n == 1) {
                        gc.backward(l);
                    } else {
                        try (NDArray share = org.visionzoo.core.nn.Ops.scalar(l, (float) k / batch.size())) {
                            gc.backward(l.mul(share)); // a libtorch-owned scalar: see Ops.scalar
                        }
                    }
                    start += k;
                }
            }
            if (n > 1) {
                reduceGradients(n);
            }
            if (clipNorm > 0) {
                GradClip.clipGlobalNorm(trainable, clipNorm);
            }
            optimizer.step(lr);
            optimizer.zeroGrad();
            if (replicas.size() > 1) {
                broadcast();
            }
            if (ema != null) {
                ema.update();
            }
            globalStep++;
            totals.lossSum += lossSum;
            totals.correct += correct;
            totals.images += batch.size();
            return lossSum / batch.size();
        } finally {
            for (NDManager s : scopes) {
                s.close();
            }
        }
    }

    private TrainingDivergedException diverged(float value, int epoch, int batch, float lr) {
        String kept = runDirectory == null ? "no checkpoint directory was set"
                : epochsDone == 0 ? "no checkpoint was written yet (it diverged in the first epoch)"
                : "the last good checkpoint, " + runDirectory.resolve(Checkpoint.FILE) + " (epoch " + epochsDone
                        + "), is kept";
        return new TrainingDivergedException("the training loss became " + value + " at epoch " + epoch
                + ", batch " + batch + " (learning rate " + lr + "); the update was not applied and "
                + kept + ". Try a lower learning rate, warmup or gradient clipping.", epoch, batch);
    }

    private NDManager managerOf(int replica) {
        if (replica == 0) {
            return model.getParameters().valueAt(0).getArray().getManager();
        }
        return replicaManagers.get(replica);
    }

    private static float[] slice(float[] a, int start, int count, int stride) {
        return Arrays.copyOfRange(a, start * stride, (start + count) * stride);
    }

    private void reduceGradients(int used) {
        List<Map<String, Parameter>> maps = new ArrayList<>();
        for (Block r : replicas) {
            maps.add(StateDict.parameters(r));
        }
        GradMode mode = GradMode.disabled();
        try {
            for (Map.Entry<String, Parameter> e : maps.get(0).entrySet()) {
                if (!e.getValue().requiresGradient()) {
                    continue;
                }
                NDArray g0 = e.getValue().getArray().getGradient();
                try {
                    for (int r = 1; r < replicas.size(); r++) {
                        NDArray gr = maps.get(r).get(e.getKey()).getArray().getGradient();
                        try {
                            if (r < used) {
                                NDArray moved = gr.toDevice(g0.getDevice(), false);
                                g0.addi(moved);
                                if (moved != gr) {
                                    moved.close();
                                }
                            }
                            gr.muli(0f);
                        } finally {
                            gr.close();
                        }
                    }
                } finally {
                    g0.close();
                }
            }
        } finally {
            mode.close();
        }
    }

    /** Copies the primary's weights and statistics to the other replicas. */
    private void broadcast() {
        if (replicas.size() == 1) {
            return;
        }
        Map<String, Parameter> primary = StateDict.parameters(model);
        GradMode mode = GradMode.disabled();
        try {
            for (int r = 1; r < replicas.size(); r++) {
                Map<String, Parameter> rp = StateDict.parameters(replicas.get(r));
                for (Map.Entry<String, Parameter> e : primary.entrySet()) {
                    NDArray dst = rp.get(e.getKey()).getArray();
                    NDArray src = e.getValue().getArray();
                    NDArray moved = src.toDevice(dst.getDevice(), false);
                    dst.set(ALL, moved);
                    if (moved != src) {
                        moved.close();
                    }
                }
            }
        } finally {
            mode.close();
        }
    }

    /**
     * Evaluates the model (on the EMA's average when enabled and non-empty) in evaluation mode
     * with grad mode off: cross-entropy without label smoothing, top-1, top-5 and the confusion
     * matrix.
     *
     * @param data the data, unshuffled and without random augmentation
     * @return the figures
     */
    public EvalResult evaluate(DataLoader data) {
        Ema.Swap swap = ema != null && ema.updates() > 0 ? ema.applyTo() : null;
        try {
            return evaluate(model, data);
        } finally {
            if (swap != null) {
                swap.close();
            }
        }
    }

    /**
     * Evaluates any classifier block on the data, without a trainer.
     *
     * @param model the model, initialised
     * @param data the data
     * @return the figures
     */
    public static EvalResult evaluate(Block model, DataLoader data) {
        int k = data.dataset().numClasses();
        TopK topk = TopK.of(1, Math.min(5, k));
        ConfusionMatrix confusion = new ConfusionMatrix(k);
        CrossEntropy ce = CrossEntropy.builder().reduction(CrossEntropy.Reduction.SUM).build();
        NDManager owner = model.getParameters().valueAt(0).getArray().getManager();
        double lossSum = 0;
        long images = 0;
        long t0 = System.nanoTime();
        GradMode mode = GradMode.disabled();
        try (DataLoader.Epoch epoch = data.epoch(0)) {
            for (Batch b : epoch) {
                try (NDManager scope = owner.newSubManager()) {
                    NDArray x = scope.create(b.images(), new Shape(b.imageShape()));
                    NDArray labels = scope.create(b.labels());
                    NDArray logits = model.forward(new ParameterStore(scope, false), new NDList(x), false)
                            .singletonOrThrow();
                    lossSum += ce.compute(logits, labels).getFloat();
                    topk.update(logits, labels);
                    confusion.update(logits, labels);
                    images += b.size();
                }
            }
        } finally {
            mode.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new EvalResult(lossSum / images, topk.accuracy(1), topk.accuracy(topk.ks()[1]), images, seconds,
                confusion);
    }

    /**
     * Class probabilities (softmax of the logits) for every image of the data, in order.
     *
     * @param model the model, initialised
     * @param data the data (its labels are ignored)
     * @return one row of {@code K} probabilities per image
     */
    public static float[][] predict(Block model, DataLoader data) {
        NDManager owner = model.getParameters().valueAt(0).getArray().getManager();
        List<float[]> rows = new ArrayList<>();
        GradMode mode = GradMode.disabled();
        try (DataLoader.Epoch epoch = data.epoch(0)) {
            for (Batch b : epoch) {
                try (NDManager scope = owner.newSubManager()) {
                    NDArray x = scope.create(b.images(), new Shape(b.imageShape()));
                    NDArray logits = model.forward(new ParameterStore(scope, false), new NDList(x), false)
                            .singletonOrThrow();
                    float[] p = logits.softmax(1).toFloatArray();
                    int k = (int) logits.getShape().get(1);
                    for (int i = 0; i < b.size(); i++) {
                        rows.add(Arrays.copyOfRange(p, i * k, i * k + k));
                    }
                }
            }
        } finally {
            mode.close();
        }
        return rows.toArray(new float[0][]);
    }

    /** Frees the optimizer's buffers, the EMA and the replicas (not the primary model). */
    @Override
    public void close() {
        optimizer.close();
        if (ema != null) {
            ema.close();
        }
        for (NDManager m : replicaManagers) {
            if (m != null) {
                m.close();
            }
        }
    }

    /** Builds a {@link Trainer}. */
    public static final class Builder {
        private final Block model;
        private CrossEntropy loss = CrossEntropy.create();
        private Function<List<ParamGroup>, Optimizer> optimizer =
                groups -> Sgd.builder().momentum(0.9f).build(groups);
        private List<ParamGroup> groups;
        private float weightDecay;
        private ScheduleFactory schedule = (perEpoch, total) -> Schedules.constant(0.01f);
        private int epochs = 1;
        private float clipNorm;
        private float emaDecay;
        private List<Device> devices;
        private Function<NDManager, Block> replicaFactory;
        private Path runDirectory;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private int patience;
        private double minDelta;
        private long seed;
        private boolean progress;
        private PrintStream progressOut = System.err;
        private final Map<String, String> info = new LinkedHashMap<>();
        private String title = "training";

        private Builder(Block model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * Sets the training loss (default: cross-entropy without smoothing).
         *
         * @param l the loss
         * @return this builder
         */
        public Builder loss(CrossEntropy l) {
            this.loss = Objects.requireNonNull(l, "loss");
            return this;
        }

        /**
         * Sets how the optimizer is made from the parameter groups (default: SGD, momentum 0.9).
         *
         * @param factory e.g. {@code groups -> AdamW.builder().build(groups)}
         * @return this builder
         */
        public Builder optimizer(Function<List<ParamGroup>, Optimizer> factory) {
            this.optimizer = Objects.requireNonNull(factory, "optimizer");
            return this;
        }

        /**
         * Sets the weight decay of the default parameter groups, which exempt batch-norm and bias
         * parameters (default 0).
         *
         * @param wd at least 0
         * @return this builder
         */
        public Builder weightDecay(float wd) {
            if (!(wd >= 0f) || Float.isInfinite(wd)) {
                throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + wd);
            }
            this.weightDecay = wd;
            return this;
        }

        /**
         * Sets the parameter groups explicitly, instead of the default ones.
         *
         * @param g the groups
         * @return this builder
         */
        public Builder paramGroups(List<ParamGroup> g) {
            this.groups = List.copyOf(g);
            return this;
        }

        /**
         * Sets the learning-rate schedule (default: constant 0.01).
         *
         * @param factory makes the schedule from the iteration counts
         * @return this builder
         */
        public Builder schedule(ScheduleFactory factory) {
            this.schedule = Objects.requireNonNull(factory, "schedule");
            return this;
        }

        /**
         * Sets the number of epochs (default 1).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder epochs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + n);
            }
            this.epochs = n;
            return this;
        }

        /**
         * Clips gradients to a global norm before each update (default off).
         *
         * @param maxNorm the norm, greater than 0, or 0 for off
         * @return this builder
         */
        public Builder gradClipNorm(float maxNorm) {
            if (!(maxNorm >= 0f) || Float.isInfinite(maxNorm)) {
                throw new IllegalArgumentException("gradClipNorm must be finite and >= 0, got " + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /**
         * Keeps an exponential moving average of the weights, used for evaluation (default off).
         *
         * @param decay in {@code (0, 1)}, e.g. 0.999, or 0 for off
         * @return this builder
         */
        public Builder ema(float decay) {
            if (!(decay >= 0f && decay < 1f)) {
                throw new IllegalArgumentException("ema decay must be in [0, 1), got " + decay);
            }
            this.emaDecay = decay;
            return this;
        }

        /**
         * Trains data-parallel on several devices.
         *
         * @param list the devices; the model must be on the first
         * @param factory makes a replica initialised on the given device's manager (its weights
         *     are overwritten with the model's)
         * @return this builder
         */
        public Builder devices(List<Device> list, Function<NDManager, Block> factory) {
            if (list.isEmpty()) {
                throw new IllegalArgumentException("devices must not be empty");
            }
            this.devices = List.copyOf(list);
            this.replicaFactory = factory;
            return this;
        }

        /**
         * Writes the checkpoint, {@code metrics.jsonl} and the plots to this directory after each
         * epoch (default: nowhere).
         *
         * @param dir the run directory, created if missing
         * @return this builder
         */
        public Builder runDirectory(Path dir) {
            this.runDirectory = dir;
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param l the listener
         * @return this builder
         */
        public Builder listener(TrainingListener l) {
            listeners.add(Objects.requireNonNull(l, "listener"));
            return this;
        }

        /**
         * Stops when validation top-1 has not improved by more than {@code minDelta} for {@code
         * patience} epochs (default off).
         *
         * @param patience epochs, at least 1
         * @param minDelta the improvement that counts, at least 0
         * @return this builder
         */
        public Builder earlyStopping(int patience, double minDelta) {
            if (patience < 1 || !(minDelta >= 0)) {
                throw new IllegalArgumentException("earlyStopping needs patience >= 1 and minDelta >= 0, got "
                        + patience + ", " + minDelta);
            }
            this.patience = patience;
            this.minDelta = minDelta;
            return this;
        }

        /**
         * Sets the run's seed, which seeds the engine at the start of each epoch; use the same
         * seed for the {@link DataLoader}s (default 0).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Shows a progress bar per epoch (default off).
         *
         * @param on whether to show it
         * @param out where to draw it, e.g. {@code System.err}
         * @return this builder
         */
        public Builder progress(boolean on, PrintStream out) {
            this.progress = on;
            this.progressOut = Objects.requireNonNull(out, "out");
            return this;
        }

        /**
         * Records run information in each checkpoint (model name, dataset, options).
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder info(String key, String value) {
            info.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets the title of the plots (default "training").
         *
         * @param t the title
         * @return this builder
         */
        public Builder title(String t) {
            this.title = Objects.requireNonNull(t, "title");
            return this;
        }

        /**
         * Builds the trainer: makes the parameter groups, the optimizer, the EMA and the replicas.
         *
         * @return the trainer
         * @throws IllegalStateException if the model is not initialised
         */
        public Trainer build() {
            return new Trainer(this);
        }
    }
}
