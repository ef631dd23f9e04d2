package org.visionzoo.core.pretrained;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The catalogue of torchvision's ImageNet weights for the models VisionZoo builds: every entry of
 * the {@code Weights} enums of the ResNet/ResNeXt/Wide ResNet, DenseNet, MobileNet V2/V3 and
 * EfficientNet/V2 families (torchvision 0.14: 38 entries across 28 models) with its URL, digest
 * prefix, published accuracies, parameter count, evaluation transform, category names and recipe.
 *
 * <p>{@link #standard()} reads the resource {@code torchvision-weights.json} of this package,
 * generated from the installed torchvision by {@code core/src/main/python/gen_weights_catalogue.py};
 * a test regenerates it and compares, so it cannot drift from torchvision.
 */
public final class WeightsCatalogue {

    /** The resource {@link #standard()} reads, next to this class. */
    public static final String RESOURCE = "torchvision-weights.json";

    private static volatile WeightsCatalogue standard;

    private final String source;
    private final Map<String, List<PretrainedWeights>> byModel;

    private WeightsCatalogue(String source, Map<String, List<PretrainedWeights>> byModel) {
        this.source = source;
        this.byModel = byModel;
    }

    /**
     * Returns the catalogue of torchvision's weights shipped with VisionZoo.
     *
     * @return the catalogue, read once
     * @throws UncheckedIOException if the resource is missing (a broken jar)
     */
    public static WeightsCatalogue standard() {
        WeightsCatalogue c = standard;
        if (c == null) {
            synchronized (WeightsCatalogue.class) {
                c = standard;
                if (c == null) {
                    try (InputStream in = WeightsCatalogue.class.getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new IOException("resource " + RESOURCE + " missing next to "
                                    + WeightsCatalogue.class.getName());
                        }
                        c = parse(new InputStreamReader(in, StandardCharsets.UTF_8), RESOURCE);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    standard = c;
                }
            }
        }
        return c;
    }

    /**
     * Reads a catalogue in the JSON layout of the generated resource (for mirrors and tests).
     *
     * @param json the document
     * @param name the document's name, for messages
     * @return the catalogue
     * @throws IOException naming the document and the entry if it is malformed
     */
    public static WeightsCatalogue parse(Reader json, String name) throws IOException {
        try {
            JsonObject root = JsonParser.parseReader(json).getAsJsonObject();
            String source = root.has("source") ? root.get("source").getAsString() : name;
            Map<String, List<String>> categories = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("categories").entrySet()) {
                categories.put(e.getKey(), List.copyOf(strings(e.getValue().getAsJsonArray())));
            }
            Map<String, List<PretrainedWeights>> byModel = new LinkedHashMap<>();
            for (JsonElement m : root.getAsJsonArray("models")) {
                JsonObject model = m.getAsJsonObject();
                String modelName = model.get("model").getAsString();
                String defaultTag = model.get("default").getAsString();
                List<PretrainedWeights> entries = new ArrayList<>();
                for (JsonElement w : model.getAsJsonArray("weights")) {
                    entries.add(entry(modelName, defaultTag, w.getAsJsonObject(), categories, name));
                }
                if (entries.stream().noneMatch(PretrainedWeights::isDefault)) {
                    throw new IOException(name + ": " + modelName + ": the default " + defaultTag
                            + " is none of its entries");
                }
                if (byModel.put(modelName, List.copyOf(entries)) != null) {
                    throw new IOException(name + ": model " + modelName + " appears twice");
                }
            }
            return new WeightsCatalogue(source, Collections.unmodifiableMap(byModel));
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException
                | IllegalArgumentException e) {
            throw new IOException(name + ": not a weights catalogue (" + e.getMessage() + ")", e);
        }
    }

    private static PretrainedWeights entry(String model, String defaultTag, JsonObject w,
            Map<String, List<String>> categories, String name) throws IOException {
        String tag = w.get("tag").getAsString();
        JsonObject t = w.getAsJsonObject("transform");
        EvalTransform transform = new EvalTransform(t.get("resize_size").getAsInt(), t.get("crop_size").getAsInt(),
                Interpolation.parse(t.get("interpolation").getAsString()), doubles(t.getAsJsonArray("mean")),
                doubles(t.getAsJsonArray("std")), t.get("antialias").getAsBoolean());
        String set = w.get("categories").getAsString();
        List<String> names = categories.get(set);
        if (names == null) {
            throw new IOException(name + ": " + model + " " + tag + ": unknown category set '" + set + "', expected one of "
                    + categories.keySet());
        }
        return new PretrainedWeights(model, tag, tag.equals(defaultTag), URI.create(w.get("url").getAsString()),
                w.get("file").getAsString(), w.get("sha256_prefix").getAsString(), w.get("acc1").getAsDouble(),
                w.get("acc5").getAsDouble(), w.get("num_params").getAsLong(), w.get("recipe").getAsString(),
                transform, names);
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>(a.size());
        for (JsonElement e : a) {
            out.add(e.getAsString());
        }
        return out;
    }

    private static List<Double> doubles(JsonArray a) {
        List<Double> out = new ArrayList<>(a.size());
        for (JsonElement e : a) {
            out.add(e.getAsDouble());
        }
        return out;
    }

    /**
     * Returns where the catalogue comes from, e.g. {@code torchvision 0.14.1}.
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    /**
     * Returns the models that have weights, in the catalogue's order.
     *
     * @return the model names
     */
    public List<String> models() {
        return List.copyOf(byModel.keySet());
    }

    /**
     * Returns every entry, model by model.
     *
     * @return the entries
     */
    public List<PretrainedWeights> entries() {
        List<PretrainedWeights> all = new ArrayList<>();
        byModel.values().forEach(all::addAll);
        return all;
    }

    /**
     * Returns a model's entries.
     *
     * @param model the model name
     * @return its entries; empty if it has none
     */
    public List<PretrainedWeights> forModel(String model) {
        return byModel.getOrDefault(model, List.of());
    }

    /**
     * Returns a model's default entry (torchvision's {@code DEFAULT}).
     *
     * @param model the model name
     * @return the entry
     * @throws IllegalArgumentException naming the models that have weights if this one has none
     */
    public PretrainedWeights get(String model) {
        return get(model, null);
    }

    /**
     * Returns an entry.
     *
     * @param model the model name
     * @param tag the tag (either case), {@code DEFAULT} or {@code null} for the default
     * @return the entry
     * @throws IllegalArgumentException naming the models, or the model's tags, if there is no such
     *     entry
     */
    public PretrainedWeights get(String model, String tag) {
        List<PretrainedWeights> entries = byModel.get(model);
        if (entries == null) {
            throw new IllegalArgumentException("no pretrained weights for model '" + model + "' in the catalogue ("
                    + source + "); models with weights: " + String.join(", ", byModel.keySet()));
        }
        for (PretrainedWeights w : entries) {
            if (tag == null || tag.equalsIgnoreCase("DEFAULT") ? w.isDefault() : w.tag().equalsIgnoreCase(tag)) {
                return w;
            }
        }
        throw new IllegalArgumentException("model '" + model + "' has no weights tagged '" + tag + "'; its tags: "
                + String.join(", ", entries.stream().map(PretrainedWeights::tag).toList()) + " (default "
                + entries.stream().filter(PretrainedWeights::isDefault).findFirst().orElseThrow().tag() + ")");
    }

    /**
     * Parses {@code model} or {@code model:TAG} and returns the entry.
     *
     * @param id the model name, optionally with a tag after a colon
     * @return the entry
     * @throws IllegalArgumentException if there is no such entry
     */
    public PretrainedWeights byId(String id) {
        int colon = id.indexOf(':');
        return colon < 0 ? get(id) : get(id.substring(0, colon), id.substring(colon + 1).toUpperCase(Locale.ROOT));
    }

    /**
     * Returns the evaluation transform of a model's default weights, if it has any.
     *
     * @param model the model name
     * @return the transform, or empty
     */
    public Optional<EvalTransform> evalTransform(String model) {
        return byModel.containsKey(model) ? Optional.of(get(model).transform()) : Optional.empty();
    }

    /**
     * Returns the evaluation transform of a model: its default weights' from the catalogue, else
     * {@link EvalTransform#imagenetDefaults torchvision-style defaults} for its crop size.
     *
     * @param model the model name
     * @param cropSize the model's input size, for models without weights
     * @return the transform
     */
    public EvalTransform evalTransform(String model, int cropSize) {
        return evalTransform(model).orElseGet(() -> EvalTransform.imagenetDefaults(cropSize));
    }

    @Override
    public String toString() {
        return "WeightsCatalogue[" + source + ", " + byModel.size() + " models]";
    }
}
