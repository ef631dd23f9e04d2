package org.visionzoo.training.loop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a checkpoint records about its run, typed: the model's registry name, the dataset, the
 * model's class count, input channels and image size, and the options that decide what the run
 * computes, by their command-line names ({@code --lr} to {@code 0.1}), defaults resolved, so that
 * a resumed run can tell which differ.
 *
 * <p>In the checkpoint it is stored as the {@link Checkpoint.State#info() info} entries {@code
 * model}, {@code dataset}, {@code num_classes}, {@code in_channels}, {@code image_size} and {@code
 * option.<name>}, the layout checkpoints have always had, so older checkpoints read as well.
 *
 * @param model the model's registry name
 * @param dataset the dataset's name, e.g. {@code fashion-mnist} or {@code folder:PATH}
 * @param numClasses the model's class count, or 0 where the run did not record it
 * @param inChannels the model's input channels
 * @param imageSize the training image size
 * @param options the run's options by name, in order
 */
public record RunMetadata(String model, String dataset, int numClasses, int inChannels, int imageSize,
        Map<String, String> options) {

    private static final String OPTION_PREFIX = "option.";

    /** Checks the fields and copies the options, keeping their order. */
    public RunMetadata {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dataset, "dataset");
        if (numClasses < 0 || inChannels < 1 || imageSize < 1) {
            throw new IllegalArgumentException("numClasses must be >= 0, inChannels and imageSize >= 1, got "
                    + numClasses + ", " + inChannels + ", " + imageSize);
        }
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /**
     * The checkpoint's info entries.
     *
     * @return the entries, in order
     */
    public Map<String, String> toInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("model", model);
        info.put("dataset", dataset);
        if (numClasses > 0) {
            info.put("num_classes", Integer.toString(numClasses));
        }
        info.put("in_channels", Integer.toString(inChannels));
        info.put("image_size", Integer.toString(imageSize));
        options.forEach((k, v) -> info.put(OPTION_PREFIX + k, v));
        return info;
    }

    /**
     * Reads the metadata from a checkpoint's info entries.
     *
     * @param info the entries
     * @return the metadata, or empty when the info has no {@code model} entry (a run started
     *     from Java without metadata)
     * @throws IllegalArgumentException if an entry is missing or not a number, naming it
     */
    public static Optional<RunMetadata> fromInfo(Map<String, String> info) {
        if (!info.containsKey("model")) {
            return Optional.empty();
        }
        Map<String, String> options = new LinkedHashMap<>();
        info.forEach((k, v) -> {
            if (k.startsWith(OPTION_PREFIX)) {
                options.put(k.substring(OPTION_PREFIX.length()), v);
            }
        });
        int numClasses = info.containsKey("num_classes") ? number(info, "num_classes") : 0;
        return Optional.of(new RunMetadata(info.get("model"), required(info, "dataset"), numClasses,
                number(info, "in_channels"), number(info, "image_size"), options));
    }

    /**
     * The options that differ from this run's, as {@code --lr 0.2 (the run's: 0.1)}; an option
     * this run did not record is not a difference.
     *
     * @param now the options of the run that continues this one
     * @return the differences, in the order of {@code now}
     */
    public List<String> differences(Map<String, String> now) {
        List<String> out = new ArrayList<>();
        now.forEach((option, value) -> {
            String then = options.get(option);
            if (then != null && !then.equals(value)) {
                out.add(option + " " + value + " (the run's: " + then + ")");
            }
        });
        return out;
    }

    private static String required(Map<String, String> info, String key) {
        String v = info.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the checkpoint's run information has no '" + key + "' entry");
        }
        return v;
    }

    private static int number(Map<String, String> info, String key) {
        String v = required(info, key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the checkpoint's run information has " + key + " '" + v
                    + "', expected a whole number", e);
        }
    }
}
