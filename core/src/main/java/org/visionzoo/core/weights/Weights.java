package org.visionzoo.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import org.visionzoo.core.io.DType;
import org.visionzoo.core.io.Npz;
import org.visionzoo.core.io.Pth;
import org.visionzoo.core.io.SafeTensors;
import org.visionzoo.core.io.TensorData;
import org.visionzoo.core.io.TensorFile;
import org.visionzoo.core.io.WeightsFormat;
import org.visionzoo.core.model.GradMode;
import org.visionzoo.core.nn.BatchNormFolding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports a torchvision {@code state_dict} into a VisionZoo model and exports a model's weights
 * back, keyed by the {@link StateDict naming rule}.
 *
 * <pre>{@code
 * // Python: from safetensors.torch import save_file; save_file(model.state_dict(), "r50.safetensors")
 * ImageClassifier model = Models.create("resnet50").initialize(manager, 224);
 * Weights.load(model, Path.of("r50.safetensors"));           // strict
 * Weights.save(model, Path.of("out.safetensors"));           // torchvision keys, atomic
 * }</pre>
 *
 * <p>Files are recognised by content ({@link WeightsFormat}): safetensors, {@code .npz}, and
 * {@code torch.save}'s {@code .pth}/{@code .pt} (read safely by {@link Pth}, a checkpoint dict's
 * {@code "state_dict"}, {@code "model"} or {@code "model_ema"} included). Keys are renamed as
 * torchvision's loaders rename them (DenseNet's old {@code denselayer1.norm.1.weight} becomes
 * {@code denselayer1.norm1.weight}) when the old key is not the model's and the new one is; the
 * report lists every rename.
 *
 * <p>Import validates everything before copying anything: on a mismatch the model is untouched
 * and the exception lists every problem. Batch norms' {@code num_batches_tracked} buffers are
 * accepted and ignored (VisionZoo's batch norm uses a fixed momentum); export writes them as 0 so
 * that {@code load_state_dict(strict=True)} accepts the file.
 */
public final class Weights {

    private static final String NUM_BATCHES_TRACKED = "num_batches_tracked";
    private static final NDIndex ALL = new NDIndex(":");

    /** torchvision's DenseNet {@code _load_state_dict}: old checkpoints name {@code norm.1}, not {@code norm1}. */
    private static final Pattern DENSENET_OLD_KEY = Pattern.compile(
            "^(.*denselayer\\d+\\.(?:norm|relu|conv))\\.((?:[12])\\.(?:weight|bias|running_mean|running_var))$");

    private Weights() {}

    /**
     * Loads a safetensors, .npz or .pth file strictly.
     *
     * @param model an initialised model
     * @param file the weights
     * @return what was loaded
     * @throws IOException if the file is unreadable or malformed, or does not fit the model
     */
    public static LoadReport load(Block model, Path file) throws IOException {
        return load(model, file, LoadOptions.strict());
    }

    /**
     * Loads a safetensors, .npz or torch.save ({@code .pth}, {@code .pt}) file, recognised by
     * content, not extension.
     *
     * @param model an initialised model
     * @param file the weights
     * @param options how strict to be
     * @return what was loaded
     * @throws IOException if the file is unreadable or malformed, or does not fit the model
     *     ({@link WeightsMismatchException})
     * @throws IllegalStateException if the model is not initialised
     */
    public static LoadReport load(Block model, Path file, LoadOptions options) throws IOException {
        Target target = new Target(model, file, options, loadableParameters(model));
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "weights file not found");
        }
        WeightsFormat format = WeightsFormat.detect(file);
        if (format == WeightsFormat.NPZ) {
            // Names, types and shapes first, from the npy headers: nothing is inflated for an
            // archive that does not fit the model (a small file may declare gigabytes).
            Map<String, Described> described = new LinkedHashMap<>();
            for (Npz.Entry e : Npz.entries(file)) {
                described.put(e.name(), new Described(e.dtype(), e.shape()));
            }
            Map<String, String> renames = renames(described.keySet(), target.params().keySet());
            LoadReport report = check(target, rename(described, renames), renames, "");
            Set<String> wanted = Set.copyOf(report.loaded());
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            for (TensorData t : Npz.read(file, name -> wanted.contains(renames.getOrDefault(name, name)))) {
                tensors.put(renames.getOrDefault(t.name(), t.name()), t);
            }
            copy(target.params(), report, tensors);
            return report;
        }
        if (format == WeightsFormat.PTH) {
            Pth.Contents contents = Pth.read(file);
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            for (TensorData t : contents.tensors()) {
                tensors.put(t.name(), t);
            }
            return load(target, tensors, contents.checkpointKey());
        }
        try (TensorFile tf = SafeTensors.read(file)) {
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            for (String name : tf.names()) {
                tensors.put(name, tf.get(name));
            }
            return load(target, tensors, "");
        }
    }

    /** A tensor as its file describes it, before its data is read. */
    private record Described(DType dtype, long[] shape) {}

    /** Where tensors go: the model, its parameters by key, the file named in messages, the options. */
    private record Target(Block model, Path file, LoadOptions options, Map<String, Parameter> params) {}

    private static LoadReport load(Target target, Map<String, TensorData> tensors, String checkpointKey)
            throws WeightsMismatchException {
        Map<String, Described> described = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> t : tensors.entrySet()) {
            described.put(t.getKey(), new Described(t.getValue().dtype(), t.getValue().shape()));
        }
        Map<String, String> renames = renames(described.keySet(), target.params().keySet());
        LoadReport report = check(target, rename(described, renames), renames, checkpointKey);
        copy(target.params(), report, rename(tensors, renames));
        return report;
    }

    /**
     * The renames torchvision's loaders apply: a file key that is not the model's, whose renamed
     * form is the model's and not also in the file.
     */
    private static Map<String, String> renames(Set<String> fileKeys, Set<String> modelKeys) {
        Map<String, String> renames = new LinkedHashMap<>();
        for (String key : fileKeys) {
            if (modelKeys.contains(key)) {
                continue;
            }
            Matcher m = DENSENET_OLD_KEY.matcher(key);
            if (m.matches()) {
                String renamed = m.group(1) + m.group(2);
                if (modelKeys.contains(renamed) && !fileKeys.contains(renamed)) {
                    renames.put(key, renamed);
                }
            }
        }
        return renames;
    }

    private static <T> Map<String, T> rename(Map<String, T> map, Map<String, String> renames) {
        if (renames.isEmpty()) {
            return map;
        }
        Map<String, T> out = new LinkedHashMap<>();
        for (Map.Entry<String, T> e : map.entrySet()) {
            out.put(renames.getOrDefault(e.getKey(), e.getKey()), e.getValue());
        }
        return out;
    }

    /** Matches names, shapes and types; throws, changing nothing, if the tensors do not fit. */
    private static LoadReport check(
            Target target, Map<String, Described> tensors, Map<String, String> renames, String checkpointKey)
            throws WeightsMismatchException {
        Block model = target.model();
        Path file = target.file();
        Map<String, Parameter> params = target.params();
        LoadOptions options = target.options().excludingAll(mismatchedPrefixes(target.options(), params, tensors));
        Set<String> batchNorms = Set.copyOf(StateDict.batchNormPrefixes(model));
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        List<LoadReport.Mismatch> mismatched = new ArrayList<>();
        List<String> badTypes = new ArrayList<>();
        for (Map.Entry<String, Described> e : tensors.entrySet()) {
            String key = e.getKey();
            Described t = e.getValue();
            Parameter p = params.get(key);
            if (options.isExcluded(key)) {
                excluded.add(key);
            } else if (p == null) {
                if (!isNumBatchesTracked(key, batchNorms)) {
                    unexpected.add(key);
                }
            } else if (!Arrays.equals(t.shape(), p.getArray().getShape().getShape())) {
                mismatched.add(new LoadReport.Mismatch(key, t.shape(), p.getArray().getShape().getShape()));
            } else if (!isFloat(t.dtype())) {
                badTypes.add(key + " (" + t.dtype() + ", expected a floating-point type)");
            } else {
                loaded.add(key);
            }
        }
        for (String key : params.keySet()) {
            if (!tensors.containsKey(key) && !options.isExcluded(key)) {
                missing.add(key);
            } else if (!tensors.containsKey(key)) {
                excluded.add(key);
            }
        }
        List<LoadReport.Rename> renamed = new ArrayList<>();
        renames.forEach((from, to) -> renamed.add(new LoadReport.Rename(from, to)));
        LoadReport report = new LoadReport(
                loaded, missing, unexpected, excluded, mismatched, badTypes, renamed, checkpointKey);
        boolean fatal =
                !mismatched.isEmpty()
                        || !badTypes.isEmpty()
                        || (options.isStrict() && !(missing.isEmpty() && unexpected.isEmpty()));
        if (fatal) {
            throw new WeightsMismatchException(file, model.getClass().getSimpleName(), report, options.isStrict());
        }
        return report;
    }

    /** The {@link LoadOptions#replacingMismatched} prefixes under which a shape differs. */
    private static List<String> mismatchedPrefixes(
            LoadOptions options, Map<String, Parameter> params, Map<String, Described> tensors) {
        List<String> out = new ArrayList<>();
        for (String prefix : options.replaceablePrefixes()) {
            for (Map.Entry<String, Described> e : tensors.entrySet()) {
                Parameter p = params.get(e.getKey());
                if (e.getKey().startsWith(prefix) && p != null
                        && !Arrays.equals(e.getValue().shape(), p.getArray().getShape().getShape())) {
                    out.add(prefix);
                    break;
                }
            }
        }
        return out;
    }

    /** Copies the checked tensors into the parameters. */
    private static void copy(Map<String, Parameter> params, LoadReport report, Map<String, TensorData> tensors) {
        GradMode gradMode = GradMode.disabled(); // in-place writes into leaves that require grad
        try {
            for (String key : report.loaded()) {
                copyInto(params.get(key).getArray(), tensors.get(key));
            }
        } finally {
            gradMode.close();
        }
    }

    // An indexed copy, not NDArray.set(float[]): the latter makes libtorch print a deprecation
    // warning (AutoNonVariableTypeMode) on stderr.
    private static void copyInto(NDArray target, TensorData tensor) {
        try (NDArray source = target.getManager().create(tensor.toFloatArray(), target.getShape())) {
            target.set(ALL, source);
        }
    }

    private static boolean isNumBatchesTracked(String key, Set<String> batchNorms) {
        return key.endsWith(NUM_BATCHES_TRACKED)
                && batchNorms.contains(key.substring(0, key.length() - NUM_BATCHES_TRACKED.length()));
    }

    private static boolean isFloat(DType dtype) {
        return dtype == DType.F32 || dtype == DType.F16 || dtype == DType.BF16 || dtype == DType.F64;
    }

    /**
     * Exports a model's weights (running statistics included) as a safetensors file with
     * torchvision's keys, written atomically, that {@code load_state_dict(strict=True)} accepts.
     *
     * @param model an initialised model
     * @param file the target; replaced atomically, never left half-written
     * @throws IOException if the file cannot be written
     */
    public static void save(Block model, Path file) throws IOException {
        SafeTensors.write(file, stateDict(model), Map.of("format", "pt"));
    }

    /**
     * Copies a model's weights (running statistics included) into tensors with torchvision's keys,
     * with the {@code num_batches_tracked} scalars a torchvision {@code state_dict} holds: what
     * {@link #save} writes, for callers that store them with other tensors (a training checkpoint).
     *
     * @param model an initialised model
     * @return the tensors, in the model's order
     * @throws IllegalStateException if a parameter is not initialised, or the model has been
     *     optimized for inference ({@link BatchNormFolding})
     */
    public static List<TensorData> stateDict(Block model) {
        BatchNormFolding.requireUnfolded(model, "export its weights");
        Set<String> batchNorms = Set.copyOf(StateDict.batchNormPrefixes(model));
        List<TensorData> tensors = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : StateDict.parameters(model).entrySet()) {
            Parameter p = e.getValue();
            if (!p.isInitialized()) {
                throw new IllegalStateException("parameter " + e.getKey() + " is not initialised");
            }
            tensors.add(TensorData.ofFloats(e.getKey(), p.getArray().getShape().getShape(), p.getArray().toFloatArray()));
            String key = e.getKey();
            if (key.endsWith("running_var")) {
                String prefix = key.substring(0, key.length() - "running_var".length());
                if (batchNorms.contains(prefix)) {
                    ByteBuffer zero = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0L);
                    tensors.add(TensorData.of(prefix + NUM_BATCHES_TRACKED, DType.I64, new long[0], zero));
                }
            }
        }
        return tensors;
    }

    /**
     * Loads weights already read into memory, such as one section of a training checkpoint, with
     * the same checks as {@link #load(Block, Path, LoadOptions)}.
     *
     * @param model an initialised model
     * @param file the file the tensors come from, named in error messages
     * @param tensors the tensors, by torchvision key
     * @param options how strict to be
     * @return what was loaded
     * @throws WeightsMismatchException if the tensors do not fit the model
     * @throws IllegalStateException if the model is not initialised
     */
    public static LoadReport load(
            Block model, Path file, Map<String, TensorData> tensors, LoadOptions options)
            throws WeightsMismatchException {
        Map<String, Parameter> params = loadableParameters(model);
        return load(new Target(model, file, options, params), new LinkedHashMap<>(tensors), "");
    }

    /** The model's parameters by torchvision key, once it is known to be unfolded and initialised. */
    private static Map<String, Parameter> loadableParameters(Block model) {
        BatchNormFolding.requireUnfolded(model, "load weights into it");
        Map<String, Parameter> params = StateDict.parameters(model);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalStateException(
                        "initialise the model before loading weights (parameter " + e.getKey() + " has no value)");
            }
        }
        return params;
    }
}
