package org.visionzoo.core.weights;

import java.util.Arrays;
import java.util.List;

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
 */
public record LoadReport(
        List<String> loaded,
        List<String> missing,
        List<String> unexpected,
        List<String> excluded,
        List<Mismatch> mismatched,
        List<String> badTypes) {

    /** Copies the lists. */
    public LoadReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        excluded = List.copyOf(excluded);
        mismatched = List.copyOf(mismatched);
        badTypes = List.copyOf(badTypes);
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
