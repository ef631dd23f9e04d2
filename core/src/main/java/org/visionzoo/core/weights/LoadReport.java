package org.visionzoo.core.weights;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a weights import did: keys loaded, and those missing from the file, unexpected in it,
 * excluded by the options, or with the wrong shape or dtype.
 *
 * @param loaded keys copied into the model
 * @param missing model keys the file lacks
 * @param unexpected file keys the model lacks
 * @param excluded keys skipped by the options
 * @param mismatched keys whose shapes differ
 * @param badTypes keys whose dtype cannot be converted to the parameter's
 * @param renamed file keys renamed as torchvision renames them when loading (DenseNet's old
 *     {@code denselayer1.norm.1.weight} becomes {@code denselayer1.norm1.weight}); the other lists
 *     name the new keys
 * @param checkpointKey the key of the checkpoint dict the weights were found under ({@code
 *     "state_dict"}, {@code "model"}, {@code "model_ema"}), or empty when the file is the weights
 *     themselves
 */
public record LoadReport(
        List<String> loaded,
        List<String> missing,
        List<String> unexpected,
        List<String> excluded,
        List<Mismatch> mismatched,
        List<String> badTypes,
        List<Rename> renamed,
        String checkpointKey) {

    /** Copies the lists. */
    public LoadReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        excluded = List.copyOf(excluded);
        mismatched = List.copyOf(mismatched);
        badTypes = List.copyOf(badTypes);
        renamed = List.copyOf(renamed);
        Objects.requireNonNull(checkpointKey, "checkpointKey");
    }

    /**
     * A report with no renamed keys, of a file that is the weights themselves.
     *
     * @param loaded keys copied into the model
     * @param missing model keys the file lacks
     * @param unexpected file keys the model lacks
     * @param excluded keys skipped by the options
     * @param mismatched keys whose shapes differ
     * @param badTypes keys whose dtype cannot be converted to the parameter's
     */
    public LoadReport(
            List<String> loaded,
            List<String> missing,
            List<String> unexpected,
            List<String> excluded,
            List<Mismatch> mismatched,
            List<String> badTypes) {
        this(loaded, missing, unexpected, excluded, mismatched, badTypes, List.of(), "");
    }

    /**
     * A file key renamed on loading.
     *
     * @param from the key in the file
     * @param to the key it was loaded as
     */
    public record Rename(String from, String to) {
        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    /**
     * Describes the renames and the checkpoint key, for a command's output.
     *
     * @return e.g. {@code "weights from the checkpoint's 'model'; 360 keys renamed as torchvision
     *     does (features.denseblock1.denselayer1.norm.1.weight -> ...norm1.weight, ...)"}, or empty
     */
    public String notes() {
        StringBuilder sb = new StringBuilder();
        if (!checkpointKey.isEmpty()) {
            sb.append("weights from the checkpoint's '").append(checkpointKey).append("'");
        }
        if (!renamed.isEmpty()) {
            sb.append(sb.length() > 0 ? "; " : "").append(renamed.size())
                    .append(" keys renamed as torchvision does (").append(renamed.get(0))
                    .append(renamed.size() > 1 ? ", ..." : "").append(")");
        }
        return sb.toString();
    }

    /**
     * A key whose shape in the file differs from the model's.
     *
     * @param key the state_dict key
     * @param fileShape the shape in the file
     * @param modelShape the shape in the model
     */
    public record Mismatch(String key, long[] fileShape, long[] modelShape) {
        @Override
        public String toString() {
            return key + " (file " + Arrays.toString(fileShape) + ", model " + Arrays.toString(modelShape) + ")";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mismatch m
                    && key.equals(m.key)
                    && Arrays.equals(fileShape, m.fileShape)
                    && Arrays.equals(modelShape, m.modelShape);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + Arrays.hashCode(fileShape) * 17 + Arrays.hashCode(modelShape);
        }
    }

    /**
     * Whether every model key was loaded from the file and every file key was used.
     *
     * @return true for a complete match
     */
    public boolean isComplete() {
        return missing.isEmpty() && unexpected.isEmpty() && excluded.isEmpty() && mismatched.isEmpty() && badTypes.isEmpty();
    }
}
