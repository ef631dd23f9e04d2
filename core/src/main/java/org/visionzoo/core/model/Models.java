package org.visionzoo.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * The model registry: every model of every family module on the classpath, by name.
 *
 * <pre>{@code
 * ImageClassifier model = Models.create("resnet50");       // 1000 classes
 * ImageClassifier small = Models.create("resnet18", 10);   // 10 classes
 * ImageClassifier tuned = Models.create("efficientnet_b0", b -> b.dropout(0.3).numClasses(10));
 * }</pre>
 *
 * <p>Names are torchvision's, lower case; a lookup ignores case ({@code "ResNet50"} finds {@code
 * resnet50}).
 *
 * <p>Providers are found with {@link ServiceLoader}. A name registered twice is refused when the
 * registry loads; an unknown name is answered with the closest registered names.
 */
public final class Models {

    private final Map<String, ModelSpec> specs;

    private Models(Map<String, ModelSpec> specs) {
        this.specs = specs;
    }

    private static final class Default {
        static final Models INSTANCE = of(ServiceLoader.load(ModelProvider.class));
    }

    /**
     * Builds a registry from the given providers (the default one uses {@link ServiceLoader}).
     *
     * @param providers the providers
     * @return the registry
     * @throws IllegalStateException if two entries share a name
     */
    public static Models of(Iterable<? extends ModelProvider> providers) {
        Map<String, ModelSpec> specs = new LinkedHashMap<>();
        Map<String, String> owners = new LinkedHashMap<>();
        for (ModelProvider provider : providers) {
            String owner = provider.getClass().getName();
            for (ModelSpec spec : provider.models()) {
                String previous = owners.putIfAbsent(spec.name(), owner);
                if (previous != null) {
                    throw new IllegalStateException(
                            "model name '"
                                    + spec.name()
                                    + "' is registered twice: by "
                                    + previous
                                    + " and by "
                                    + owner);
                }
                specs.put(spec.name(), spec);
            }
        }
        return new Models(Collections.unmodifiableMap(specs));
    }

    /**
     * Returns the registry of the models on the classpath.
     *
     * @return the default registry
     */
    public static Models registry() {
        return Default.INSTANCE;
    }

    /**
     * Lists every registered model, in registration order.
     *
     * @return the entries
     */
    public static List<ModelSpec> list() {
        return registry().all();
    }

    /**
     * Returns the entry of a name.
     *
     * @param name a registered name
     * @return the entry
     * @throws IllegalArgumentException for an unknown name, listing the closest names
     */
    public static ModelSpec spec(String name) {
        return registry().get(name);
    }

    /**
     * Builds a registered model with its default number of classes.
     *
     * @param name a registered name
     * @return a new, uninitialised model
     * @throws IllegalArgumentException for an unknown name, listing the closest names
     */
    public static ImageClassifier create(String name) {
        return spec(name).create();
    }

    /**
     * Builds a registered model for a number of classes.
     *
     * @param name a registered name
     * @param numClasses the number of classes
     * @return a new, uninitialised model
     * @throws IllegalArgumentException for an unknown name or a bad class count
     */
    public static ImageClassifier create(String name, int numClasses) {
        return spec(name).create(numClasses);
    }

    /**
     * Builds a registered model after adjusting its builder (see {@link ModelSpec#create(Consumer)}).
     *
     * @param name a registered name
     * @param adjust changes the builder's settings, e.g. {@code b -> b.dropout(0.3)}
     * @return a new, uninitialised model
     * @throws IllegalArgumentException for an unknown name or an invalid setting
     */
    public static ImageClassifier create(String name, Consumer<? super ClassifierBuilder<?>> adjust) {
        return spec(name).create(adjust);
    }

    /**
     * Returns a new builder with a registered model's architecture and defaults.
     *
     * @param name a registered name
     * @return the builder
     * @throws IllegalArgumentException for an unknown name
     */
    public static ClassifierBuilder<?> builder(String name) {
        return spec(name).builder();
    }

    /**
     * Builds a registered model with torchvision's pretrained weights, downloaded on first use
     * (see {@link org.visionzoo.core.pretrained.Pretrained}).
     *
     * @param name a model with weights in the catalogue, e.g. {@code resnet50}
     * @param tag the weights' tag, e.g. {@code IMAGENET1K_V2}; {@code null} for the default
     * @return the model on its own manager, with its transform and class names; close it
     * @throws java.io.IOException if fetching or loading the weights fails
     */
    public static org.visionzoo.core.pretrained.PretrainedModel pretrained(String name, String tag)
            throws java.io.IOException {
        return org.visionzoo.core.pretrained.Pretrained.load(name, tag);
    }

    /**
     * Lists this registry's entries.
     *
     * @return the entries, in registration order
     */
    public List<ModelSpec> all() {
        return List.copyOf(specs.values());
    }

    /**
     * Looks a name up.
     *
     * @param name the name
     * @return the entry, if registered
     */
    public Optional<ModelSpec> find(String name) {
        return Optional.ofNullable(name == null ? null : specs.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * Returns the entry of a name.
     *
     * @param name a registered name
     * @return the entry
     * @throws IllegalArgumentException for an unknown name, listing the closest names
     */
    public ModelSpec get(String name) {
        ModelSpec spec = find(name).orElse(null);
        if (spec == null) {
            throw new IllegalArgumentException(
                    "unknown model '" + name + "'; closest: " + String.join(", ", closest(name, 3)));
        }
        return spec;
    }

    /**
     * Returns the registered names closest to {@code name} by edit distance.
     *
     * @param name any string
     * @param limit how many names to return
     * @return up to {@code limit} names, closest first
     */
    public List<String> closest(String name, int limit) {
        String query = name == null ? "" : name.toLowerCase(Locale.ROOT);
        List<String> names = new ArrayList<>(specs.keySet());
        names.sort(
                Comparator.<String>comparingInt(n -> editDistance(query, n))
                        .thenComparing(Comparator.naturalOrder()));
        return names.subList(0, Math.min(limit, names.size()));
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
