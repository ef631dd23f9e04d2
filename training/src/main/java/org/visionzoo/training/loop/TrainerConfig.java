package org.visionzoo.training.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

import org.visionzoo.core.Checks;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.loss.CrossEntropy;
import org.visionzoo.training.optim.Optimizer;
import org.visionzoo.training.optim.ParamGroup;
import org.visionzoo.training.optim.Schedules;
import org.visionzoo.training.optim.Sgd;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings of a {@link Trainer}, as its {@link Builder} collects them ({@link
 * Trainer#builder} starts one; {@link Builder#config()} returns the record, {@link
 * Trainer#create} builds a trainer from one).
 *
 * @param loss the training loss
 * @param optimizer makes the optimizer from the parameter groups
 * @param paramGroups explicit parameter groups, or {@code null} for the default ones (batch-norm
 *     and bias parameters exempt from weight decay)
 * @param weightDecay the weight decay of the default groups' decayed group, or {@code null} for
 *     the optimizer's default (0 for SGD and Adam, 0.01 for AdamW, PyTorch's)
 * @param schedule makes the learning-rate schedule from the iteration counts
 * @param epochs the epochs of the run
 * @param gradClipNorm the global gradient norm clipped to, or 0 for off
 * @param emaDecay the EMA's decay, or 0 for no EMA
 * @param devices the devices to train on data-parallel, or {@code null} for the model's own
 * @param replicaFactory makes a replica on another device's manager, or {@code null}
 * @param runDirectory where the checkpoint, logs and plots go, or {@code null} for nowhere
 * @param listeners the listeners, called in order
 * @param patience early stopping's patience in epochs, or 0 for off
 * @param minDelta the validation top-1 improvement that counts for early stopping
 * @param seed the run's seed
 * @param progress whether to draw a progress bar per epoch
 * @param progressOut where to draw it
 * @param info run information recorded in each checkpoint
 * @param title the plots' title
 */
public record TrainerConfig(
        CrossEntropy loss,
        Function<List<ParamGroup>, Optimizer> optimizer,
        List<ParamGroup> paramGroups,
        Float weightDecay,
        ScheduleFactory schedule,
        int epochs,
        float gradClipNorm,
        float emaDecay,
        List<Device> devices,
        Function<NDManager, Block> replicaFactory,
        Path runDirectory,
        List<TrainingListener> listeners,
        int patience,
        double minDelta,
        long seed,
        boolean progress,
        PrintStream progressOut,
        Map<String, String> info,
        String title) {

    /** Checks the required parts and copies the lists and the map. */
    public TrainerConfig {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(progressOut, "progressOut");
        Objects.requireNonNull(title, "title");
        paramGroups = paramGroups == null ? null : List.copyOf(paramGroups);
        devices = devices == null ? null : List.copyOf(devices);
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        info = info == null ? Map.of() : Map.copyOf(info);
    }

    /** Collects a {@link Trainer}'s settings; {@link Trainer#builder} starts one. */
    public static final class Builder {
        private final Block model;
        private CrossEntropy loss = CrossEntropy.create();
        private Function<List<ParamGroup>, Optimizer> optimizer =
                groups -> Sgd.builder().momentum(0.9f).build(groups);
        private List<ParamGroup> groups;
        private Float weightDecay;
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

        Builder(Block model) {
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
         * parameters (default: the optimizer's, as in PyTorch: 0 for SGD and Adam, 0.01 for AdamW).
         *
         * @param wd at least 0
         * @return this builder
         */
        public Builder weightDecay(float wd) {
            Checks.nonNegative("weightDecay", wd);
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
            Checks.nonNegative("gradClipNorm", maxNorm);
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
         * Records the run's typed metadata in each checkpoint ({@link RunMetadata#toInfo()}).
         *
         * @param metadata the metadata
         * @return this builder
         */
        public Builder metadata(RunMetadata metadata) {
            metadata.toInfo().forEach(this::info);
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
         * The settings collected so far.
         *
         * @return the configuration
         */
        public TrainerConfig config() {
            return new TrainerConfig(loss, optimizer, groups, weightDecay, schedule, epochs, clipNorm, emaDecay,
                    devices, replicaFactory, runDirectory, listeners, patience, minDelta, seed, progress,
                    progressOut, info, title);
        }

        /**
         * Builds the trainer: makes the parameter groups, the optimizer, the EMA and the replicas.
         *
         * @return the trainer
         * @throws IllegalStateException if the model is not initialised
         */
        public Trainer build() {
            return Trainer.create(model, config());
        }
    }
}
