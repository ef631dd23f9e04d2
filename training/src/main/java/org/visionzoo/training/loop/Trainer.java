package org.visionzoo.training.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.visionzoo.core.nn.Ops;
import org.visionzoo.training.data.Batch;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.optim.GradClip;
import org.visionzoo.training.optim.LrSchedule;
import org.visionzoo.training.optim.Optimizer;
import org.visionzoo.training.optim.ParamGroup;
import org.visionzoo.training.optim.ParamGroups;
import org.visionzoo.training.report.EpochRecord;
import org.visionzoo.training.report.TrainingProgress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The training loop: {@link #fit}, {@link #step one step per batch} and {@link #resume} for any DJL
 * block that maps {@code (N, C, H, W)} images to {@code (N, K)} logits, with PyTorch's optimizer
 * semantics, a per-iteration learning-rate schedule, optional EMA, gradient clipping, early
 * stopping, a divergence check, atomic checkpoints with exact resume, {@code metrics.jsonl} and
 * plots. Its settings are a {@link TrainerConfig}, collected by {@link #builder}.
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
 * <p>The parts around the loop are {@link TrainingListener}s run after each epoch in this order:
 * early stopping's record of the best validation top-1, the run directory's recorder (checkpoint,
 * {@code metrics.jsonl}, per-step curves, plots), then the listeners given to the builder.
 * Evaluation is {@link Evaluator}'s.
 *
 * <p><b>Exact resume.</b> A checkpoint is written after each epoch. Every random choice of a run
 * derives from its seed, the epoch and the position in the epoch (the {@link DataLoader}'s order
 * and augmentations, and the engine's seed, reset at the start of each epoch for dropout), so a
 * run resumed from the checkpoint of epoch {@code e} computes what the uninterrupted run would
 * have: the same weights, bit for bit on the CPU.
 *
 * <p><b>Several devices.</b> With {@link TrainerConfig.Builder#devices} the model is replicated,
 * PyTorch's {@code DataParallel}: each shard's mean loss is weighted by its share of the batch, the
 * gradients are summed onto the first device, one update runs there, and the weights and
 * batch-norm statistics are copied back to the replicas.
 *
 * <p>Memory: each step's arrays live in a sub-manager closed at the end of the step, so native
 * memory stays flat over any number of iterations. Not thread-safe; one trainer per model.
 */
public final class Trainer implements AutoCloseable {

    private final Block model;
    private final TrainerConfig config;
    private final DataParallel parallel;
    private final Optimizer optimizer;
    private final List<Parameter> trainable;
    private final Ema ema;
    private final EarlyStopping earlyStopping;
    private final RunRecorder recorder;
    /** Early stopping, the recorder, then the configured listeners. */
    private final List<TrainingListener> listeners = new ArrayList<>();
    /** The records of the epochs done, restored by {@link #resume}, saved in every checkpoint. */
    private final List<EpochRecord> history = new ArrayList<>();

    private int epochsDone;
    private long globalStep;
    private volatile String stopRequest;

    private Trainer(Block model, TrainerConfig config) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        List<Device> devices = DataParallel.check(model, config.devices());
        List<ParamGroup> groups = config.paramGroups() != null ? config.paramGroups()
                : config.weightDecay() == null ? ParamGroups.defaultGroups(model)
                : ParamGroups.defaultGroups(model, config.weightDecay());
        this.trainable = new ArrayList<>();
        for (ParamGroup g : groups) {
            trainable.addAll(g.parameters().values());
        }
        this.optimizer = Objects.requireNonNull(config.optimizer().apply(groups), "the optimizer factory returned null");
        this.ema = config.emaDecay() > 0 ? new Ema(model, config.emaDecay()) : null;
        this.parallel = new DataParallel(model, devices, config.replicaFactory());
        this.earlyStopping = new EarlyStopping(config.patience(), config.minDelta());
        this.recorder = config.runDirectory() == null ? null : new RunRecorder(this, config.runDirectory(), config.title());
        listeners.add(earlyStopping);
        if (recorder != null) {
            listeners.add(recorder);
        }
        listeners.addAll(config.listeners());
    }

    /**
     * Starts a trainer for an initialised model.
     *
     * @param model the model, initialised on the first device
     * @return a builder
     */
    public static TrainerConfig.Builder builder(Block model) {
        return new TrainerConfig.Builder(model);
    }

    /**
     * Builds a trainer from a configuration: makes the parameter groups, the optimizer, the EMA and
     * the replicas.
     *
     * @param model the model, initialised on the first device
     * @param config the settings
     * @return the trainer
     * @throws IllegalStateException if the model is not initialised
     */
    public static Trainer create(Block model, TrainerConfig config) {
        return new Trainer(model, config);
    }

    /**
     * The settings.
     *
     * @return the configuration
     */
    public TrainerConfig config() {
        return config;
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
        return parallel.devices();
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
        if (s.seed() != config.seed()) {
            throw new IllegalArgumentException(checkpoint + " was written by a run with seed " + s.seed()
                    + ", this run has seed " + config.seed() + ": resume with the same seed to continue it exactly");
        }
        if (s.epochsDone() > config.epochs()) {
            throw new IllegalArgumentException(checkpoint + " has " + s.epochsDone()
                    + " epochs done, more than this run's " + config.epochs());
        }
        s = Checkpoint.load(checkpoint, model, optimizer, ema);
        history.clear();
        history.addAll(s.records());
        epochsDone = s.epochsDone();
        globalStep = s.globalStep();
        earlyStopping.restore(s);
        parallel.broadcast();
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
        int epochs = config.epochs();
        int perEpoch = train.batchesPerEpoch();
        long total = (long) perEpoch * epochs;
        LrSchedule schedule = config.schedule().create(perEpoch, total);
        if (globalStep > total) {
            throw new IllegalStateException("the checkpoint's global step " + globalStep + " is beyond this run's "
                    + total + " steps (" + epochs + " epochs of " + perEpoch + " batches): it belongs to another"
                    + " run, or was altered");
        }
        if (recorder != null) {
            recorder.open(globalStep, epochsDone, history);
        }
        for (TrainingListener l : config.listeners()) {
            l.onFitStart(epochsDone + 1, epochs, perEpoch);
        }
        String stopReason = null;
        EvalResult lastVal = null;
        while (epochsDone < epochs) {
            int epoch = epochsDone + 1;
            Engine.getInstance().setRandomSeed((int) DataLoaderSeeds.mix(config.seed(), epoch));
            long t0 = System.nanoTime();
            EpochTotals tr = trainEpoch(train, epoch, schedule);
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
            epochsDone = epoch;
            history.add(record);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(record, val);
            }
            stopReason = earlyStopping.stopReason();
            if (stopReason != null) {
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
                optimizer.stepCount(), ema == null ? 0 : ema.updates(), config.seed(), earlyStopping.bestMetric(),
                earlyStopping.bestEpoch(), earlyStopping.epochsWithoutImprovement(), config.info(),
                history.stream().map(EpochRecord::toJsonLine).toList());
    }

    /** An epoch's running sums. */
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

    private EpochTotals trainEpoch(DataLoader train, int epoch, LrSchedule schedule) {
        EpochTotals totals = new EpochTotals();
        DataLoader.Epoch batches = train.epoch(epoch - 1);
        int perEpoch = batches.size();
        if (recorder != null) {
            recorder.startEpoch(perEpoch);
        }
        try (TrainingProgress bar = TrainingProgress.start(
                "epoch " + epoch + "/" + config.epochs(), perEpoch, config.progress(), config.progressOut())) {
            for (Batch batch : batches) {
                float lr = schedule.lr(globalStep);
                double lossBefore = totals.lossSum;
                long correctBefore = totals.correct;
                long imagesBefore = totals.images;
                double batchLoss = step(batch, lr, epoch, totals);
                totals.lastLr = lr;
                if (recorder != null) {
                    recorder.step(globalStep, epoch, batch.index(), perEpoch, totals.lossSum - lossBefore,
                            totals.correct - correctBefore, totals.images - imagesBefore, lr);
                }
                bar.step(batch.size(), totals.meanLoss());
                for (TrainingListener l : config.listeners()) {
                    l.onBatchEnd(epoch, batch.index(), batchLoss, lr, batch.size());
                }
            }
        } finally {
            batches.close();
        }
        return totals;
    }

    /**
     * One optimizer step on a batch, split across the replicas: forward, loss, backward, the
     * gradients summed onto the primary, clipping, the update, the EMA.
     *
     * @return the batch's mean loss
     */
    private double step(Batch batch, float lr, int epoch, EpochTotals totals) {
        int n = Math.min(parallel.size(), batch.size());
        List<NDManager> scopes = new ArrayList<>(n);
        try {
            double lossSum = 0;
            long correct = 0;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                int start = 0;
                for (int r = 0; r < n; r++) {
                    int k = DataParallel.shardSize(r, n, batch.size());
                    NDManager scope = parallel.managerOf(r).newSubManager();
                    scopes.add(scope);
                    NDArray x = scope.create(DataParallel.slice(batch.images(), start, k, batch.channels() * batch.height() * batch.width()),
                            new Shape(k, batch.channels(), batch.height(), batch.width()));
                    NDArray labels = scope.create(Arrays.copyOfRange(batch.labels(), start, start + k));
                    NDArray target = batch.softTargets() == null ? labels
                            : scope.create(DataParallel.slice(batch.softTargets(), start, k, batch.numClasses()),
                                    new Shape(k, batch.numClasses()));
                    NDArray logits = parallel.replica(r).forward(new ParameterStore(scope, false), new NDList(x), true)
                            .singletonOrThrow();
                    NDArray l = config.loss().compute(logits, target);
                    float value = l.getFloat();
                    if (!Float.isFinite(value)) {
                        throw diverged(value, epoch, batch.index(), lr);
                    }
                    lossSum += (double) value * k;
                    try (NDArray pred = logits.argMax(1); NDArray hit = pred.toType(labels.getDataType(), false).eq(labels);
                            NDArray sum = hit.sum()) {
                        correct += sum.toType(DataType.INT64, false).getLong();
                    }
                    if (n == 1) {
                        gc.backward(l);
                    } else {
                        try (NDArray share = Ops.scalar(l, (float) k / batch.size())) {
                            gc.backward(l.mul(share)); // a libtorch-owned scalar: see Ops.scalar
                        }
                    }
                    start += k;
                }
            }
            if (n > 1) {
                parallel.reduceGradients(n);
            }
            if (config.gradClipNorm() > 0) {
                GradClip.clipGlobalNorm(trainable, config.gradClipNorm());
            }
            optimizer.step(lr);
            optimizer.zeroGrad();
            parallel.broadcast();
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
        Path dir = config.runDirectory();
        String kept = dir == null ? "no checkpoint directory was set"
                : epochsDone == 0 ? "no checkpoint was written yet (it diverged in the first epoch)"
                : "the last good checkpoint, " + dir.resolve(Checkpoint.FILE) + " (epoch " + epochsDone
                        + "), is kept";
        return new TrainingDivergedException("the training loss became " + value + " at epoch " + epoch
                + ", batch " + batch + " (learning rate " + lr + "); the update was not applied and "
                + kept + ". Try a lower learning rate, warmup or gradient clipping.", epoch, batch);
    }

    /**
     * Evaluates the model (on the EMA's average when enabled and non-empty) with {@link
     * Evaluator#evaluate}.
     *
     * @param data the data, unshuffled and without random augmentation
     * @return the figures
     */
    public EvalResult evaluate(DataLoader data) {
        Ema.Swap swap = ema != null && ema.updates() > 0 ? ema.applyTo() : null;
        try {
            return Evaluator.evaluate(model, data);
        } finally {
            if (swap != null) {
                swap.close();
            }
        }
    }

    /**
     * Evaluates any classifier block on the data, without a trainer: {@link Evaluator#evaluate}.
     *
     * @param model the model, initialised
     * @param data the data
     * @return the figures
     */
    public static EvalResult evaluate(Block model, DataLoader data) {
        return Evaluator.evaluate(model, data);
    }

    /**
     * Class probabilities for every image of the data, in order: {@link Evaluator#predict}.
     *
     * @param model the model, initialised
     * @param data the data (its labels are ignored)
     * @return one row of {@code K} probabilities per image
     */
    public static float[][] predict(Block model, DataLoader data) {
        return Evaluator.predict(model, data);
    }

    /** Frees the optimizer's buffers, the EMA and the replicas (not the primary model). */
    @Override
    public void close() {
        optimizer.close();
        if (ema != null) {
            ema.close();
        }
        parallel.close();
    }
}
