package org.visionzoo.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import org.visionzoo.core.io.SafeTensors;
import org.visionzoo.core.io.TensorData;
import org.visionzoo.core.io.TensorFile;
import org.visionzoo.core.weights.LoadOptions;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.training.optim.Optimizer;
import org.visionzoo.training.report.EpochRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A training checkpoint: everything needed to continue a run exactly, in one safetensors file
 * written atomically (a temporary file renamed over the old one, so a crash or an interrupted
 * write leaves the previous checkpoint whole).
 *
 * <p>Layout: tensors {@code model.<key>} (the model's {@code state_dict} with torchvision's keys),
 * {@code optimizer.<key>.<buffer>} (the optimizer's buffers, PyTorch's names), {@code ema.<key>}
 * (the EMA, when enabled), and a {@code visionzoo.checkpoint} metadata entry holding the {@link
 * State} as JSON: epochs completed, global step, optimizer and EMA step counts, the seed (from
 * which every random choice of the run derives, so it is the whole RNG state at an epoch
 * boundary), the early-stopping record and free-form run information (model name, dataset).
 *
 * <p>{@link #exportWeights} turns a checkpoint into a plain {@code state_dict} file that
 * PyTorch's {@code safetensors.torch.load_file} reads and {@code load_state_dict} accepts.
 */
public final class Checkpoint {

    /** The checkpoint's file name in a run directory. */
    public static final String FILE = "checkpoint.safetensors";

    /** The metadata key that holds the {@link State}. */
    public static final String METADATA_KEY = "visionzoo.checkpoint";

    /** The version of this layout. */
    public static final int FORMAT_VERSION = 1;

    private static final String MODEL = "model.";
    private static final String OPTIMIZER = "optimizer.";
    private static final String EMA = "ema.";
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private Checkpoint() {}

    /**
     * The scalar state of a run at an epoch boundary.
     *
     * @param formatVersion the layout version, {@link #FORMAT_VERSION}
     * @param epochsDone epochs completed
     * @param globalStep optimizer updates done (the schedule's position)
     * @param optimizerSteps the optimizer's own step count
     * @param emaUpdates the EMA's update count (0 without EMA)
     * @param seed the run's seed
     * @param bestMetric the best validation top-1 so far ({@code NaN} if none)
     * @param bestEpoch the epoch that reached it (0 if none)
     * @param epochsWithoutImprovement early stopping's counter
     * @param info free-form run information, such as the model and dataset names
     * @param history the records of the epochs done, one {@link EpochRecord#toJsonLine() JSON
     *     line} each: {@code metrics.jsonl} is rebuilt from them on resume, so a process killed
     *     between writing the checkpoint and the log loses no epoch (empty in checkpoints written
     *     before this field existed)
     */
    public record State(
            int formatVersion,
            int epochsDone,
            long globalStep,
            int optimizerSteps,
            long emaUpdates,
            long seed,
            double bestMetric,
            int bestEpoch,
            int epochsWithoutImprovement,
            Map<String, String> info,
            List<String> history) {

        /** Copies the info map and the history. */
        public State {
            info = info == null ? Map.of() : Map.copyOf(info);
            history = history == null ? List.of() : List.copyOf(history);
        }

        /**
         * The history as records.
         *
         * @return the epochs' records, oldest first
         * @throws IllegalArgumentException if a line is malformed
         */
        public List<EpochRecord> records() {
            return history.stream().map(EpochRecord::fromJson).toList();
        }

        /**
         * The run's typed metadata, read from the info entries.
         *
         * @return the metadata, or empty for a run that recorded none
         * @throws IllegalArgumentException if an entry is malformed, naming it
         */
        public java.util.Optional<RunMetadata> metadata() {
            return RunMetadata.fromInfo(info);
        }
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param file the target, replaced atomically
     * @param model the model (weights and running statistics)
     * @param optimizer the optimizer whose buffers are saved
     * @param ema the EMA, or {@code null}
     * @param state the scalar state
     * @throws IOException if writing fails; the previous file is then untouched
     */
    public static void write(Path file, Block model, Optimizer optimizer, Ema ema, State state)
            throws IOException {
        List<TensorData> tensors = new ArrayList<>();
        for (TensorData t : Weights.stateDict(model)) {
            tensors.add(renamed(MODEL + t.name(), t));
        }
        for (Map.Entry<String, NDArray> e : optimizer.state().entrySet()) {
            tensors.add(floats(OPTIMIZER + e.getKey(), e.getValue()));
        }
        if (ema != null) {
            for (Map.Entry<String, NDArray> e : ema.state().entrySet()) {
                tensors.add(floats(EMA + e.getKey(), e.getValue()));
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        SafeTensors.write(file, tensors, Map.of(METADATA_KEY, GSON.toJson(state), "format", "pt"));
    }

    /**
     * Reads a checkpoint's scalar state without loading any tensor.
     *
     * @param file the checkpoint
     * @return its state
     * @throws IOException if the file is missing, malformed, or not a VisionZoo checkpoint
     */
    public static State readState(Path file) throws IOException {
        try (TensorFile tf = open(file)) {
            return state(tf);
        }
    }

    /**
     * Restores a run from a checkpoint: the model's weights, the optimizer's buffers and step
     * count, and the EMA. Everything is checked before anything is changed: on a mismatch the
     * error names the keys and nothing is loaded into the optimizer or EMA.
     *
     * @param file the checkpoint
     * @param model the model, built the same way as the one saved
     * @param optimizer the optimizer, of the same kind over the same parameters
     * @param ema the EMA, or {@code null} (the checkpoint's EMA, if any, is then ignored)
     * @return the scalar state, to continue the loop from
     * @throws IOException if the file is unreadable or does not fit the model
     */
    public static State load(Path file, Block model, Optimizer optimizer, Ema ema)
            throws IOException {
        try (TensorFile tf = open(file)) {
            State state = state(tf);
            Map<String, TensorData> modelTensors = new LinkedHashMap<>();
            Map<String, TensorData> optTensors = new LinkedHashMap<>();
            Map<String, TensorData> emaTensors = new LinkedHashMap<>();
            for (String name : tf.names()) {
                if (name.startsWith(MODEL)) {
                    modelTensors.put(name.substring(MODEL.length()), renamed(name.substring(MODEL.length()), tf.get(name)));
                } else if (name.startsWith(OPTIMIZER)) {
                    optTensors.put(name.substring(OPTIMIZER.length()), tf.get(name));
                } else if (name.startsWith(EMA)) {
                    emaTensors.put(name.substring(EMA.length()), tf.get(name));
                }
            }
            if (ema != null && state.emaUpdates() > 0 && emaTensors.isEmpty()) {
                throw new IOException(file + ": the run uses an EMA but the checkpoint holds none");
            }
            NDManager owner = model.getParameters().valueAt(0).getArray().getManager();
            try (NDManager temp = owner.newSubManager()) {
                Map<String, NDArray> opt = arrays(temp, optTensors);
                Map<String, NDArray> avg = arrays(temp, emaTensors);
                Weights.load(model, file, modelTensors, LoadOptions.strict());
                try {
                    optimizer.loadState(opt, state.optimizerSteps());
                    if (ema != null) {
                        ema.loadState(state.emaUpdates() == 0 ? Map.of() : avg, state.emaUpdates());
                    }
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": " + e.getMessage(), e);
                }
            }
            return state;
        }
    }

    /**
     * Writes a checkpoint's model weights (or its EMA average) as a plain {@code state_dict}
     * safetensors file with torchvision's keys, atomically.
     *
     * @param checkpoint the checkpoint
     * @param out the weights file to write
     * @param useEma take the EMA's average instead of the trained weights
     * @throws IOException if reading or writing fails, or {@code useEma} is set and the
     *     checkpoint has no EMA
     */
    public static void exportWeights(Path checkpoint, Path out, boolean useEma) throws IOException {
        SafeTensors.write(out, new ArrayList<>(modelWeights(checkpoint, useEma).values()), Map.of("format", "pt"));
    }

    /**
     * The model's weights of a checkpoint as a plain torchvision {@code state_dict}, in memory (what
     * {@link #exportWeights} writes), e.g. to load them into a model without a temporary file.
     *
     * @param checkpoint the checkpoint
     * @param useEma take the EMA weights where the checkpoint has them
     * @return the tensors by torchvision key, in the checkpoint's order; valid after this returns
     * @throws IOException if the file is not a VisionZoo checkpoint or has no EMA weights when asked
     */
    public static Map<String, TensorData> modelWeights(Path checkpoint, boolean useEma) throws IOException {
        try (TensorFile tf = open(checkpoint)) {
            state(tf);
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            boolean anyEma = false;
            for (String name : tf.names()) {
                if (name.startsWith(MODEL)) {
                    String key = name.substring(MODEL.length());
                    TensorData t = tf.get(name);
                    if (useEma && tf.names().contains(EMA + key)) {
                        t = tf.get(EMA + key);
                        anyEma = true;
                    }
                    tensors.put(key, renamed(key, t));
                }
            }
            if (useEma && !anyEma) {
                throw new IOException(checkpoint + ": no EMA weights in this checkpoint (trained without --ema)");
            }
            return tensors;
        }
    }

    private static TensorFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint not found");
        }
        return SafeTensors.read(file);
    }

    private static State state(TensorFile tf) throws IOException {
        String json = tf.metadata().get(METADATA_KEY);
        if (json == null) {
            throw new IOException(tf.path() + ": not a VisionZoo training checkpoint (no "
                    + METADATA_KEY + " metadata; a weights file is loaded with --weights instead)");
        }
        State state;
        try {
            state = GSON.fromJson(json, State.class);
        } catch (JsonParseException e) {
            throw new IOException(tf.path() + ": malformed " + METADATA_KEY + " metadata: " + e.getMessage(), e);
        }
        if (state == null || state.formatVersion() != FORMAT_VERSION) {
            throw new IOException(tf.path() + ": checkpoint format version "
                    + (state == null ? "missing" : state.formatVersion()) + ", expected " + FORMAT_VERSION);
        }
        if (state.globalStep() < 0 || state.epochsDone() < 0) {
            throw new IOException(tf.path() + ": negative step or epoch count in " + METADATA_KEY);
        }
        return new State(state.formatVersion(), state.epochsDone(), state.globalStep(),
                state.optimizerSteps(), state.emaUpdates(), state.seed(), state.bestMetric(),
                state.bestEpoch(), state.epochsWithoutImprovement(), state.info(), state.history());
    }

    private static Map<String, NDArray> arrays(NDManager manager, Map<String, TensorData> tensors) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            TensorData t = e.getValue();
            out.put(e.getKey(), manager.create(t.toFloatArray(), new Shape(t.shape())));
        }
        return out;
    }

    private static TensorData floats(String name, NDArray array) {
        return TensorData.ofFloats(name, array.getShape().getShape(), array.toFloatArray());
    }

    private static TensorData renamed(String name, TensorData t) {
        Objects.requireNonNull(t, name);
        return t.name().equals(name) ? t : TensorData.of(name, t.dtype(), t.shape(), t.data());
    }

}
