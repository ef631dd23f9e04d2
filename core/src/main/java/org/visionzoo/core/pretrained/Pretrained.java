package org.visionzoo.core.pretrained;

import ai.djl.ndarray.NDManager;
import ai.djl.util.Utils;

import org.visionzoo.core.io.Download;
import org.visionzoo.core.io.DownloadException;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.weights.LoadOptions;
import org.visionzoo.core.weights.LoadReport;
import org.visionzoo.core.weights.Weights;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Pretrained weights from the {@link WeightsCatalogue}, downloaded on first use into a cache and
 * loaded into the model, as torchvision's {@code resnet50(weights="DEFAULT")} does.
 *
 * <pre>{@code
 * try (PretrainedModel m = Pretrained.load("resnet50")) {              // the default tag
 *     float[] x = m.transform().apply(chw, 3, height, width);          // torchvision's eval preset
 *     List<Prediction> top5 = m.classify(x, 5);                        // ImageNet class names
 * }
 * }</pre>
 *
 * <p>Settings ({@link #standard()} reads them from system properties, then the environment):
 *
 * <ul>
 *   <li>the cache: {@code visionzoo.home} / {@code $VISIONZOO_HOME}, plus {@code /weights}; else
 *       {@code $XDG_CACHE_HOME/visionzoo/weights} (default {@code ~/.cache/visionzoo/weights}). A file
 *       keeps torchvision's name ({@code resnet50-11ad3fa6.pth}). torch hub's cache
 *       ({@code $TORCH_HOME/hub/checkpoints}, default {@code ~/.cache/torch/hub/checkpoints}) is
 *       looked in too, so files PyTorch already downloaded are used where they are.
 *   <li>a mirror: {@code visionzoo.weightsUrl} / {@code $VISIONZOO_WEIGHTS_URL}: a base URL that
 *       replaces everything before the file name (e.g. {@code https://mirror.example/torchvision}).
 *   <li>another catalogue: {@code visionzoo.weightsCatalogue} / {@code $VISIONZOO_WEIGHTS_CATALOGUE}:
 *       a JSON file in the layout of the standard one (e.g. a company's own weights).
 *   <li>offline: {@code visionzoo.offline} / {@code $VISIONZOO_OFFLINE} ({@code true} or
 *       {@code false}); when neither is set, DJL's offline setting ({@code DJL_OFFLINE},
 *       {@code ai.djl.offline} or {@code offline}, as {@code ai.djl.util.Utils.isOfflineMode()}).
 *       Offline, nothing is downloaded; a missing file is an {@link OfflineException} naming the
 *       URL and the exact path to put the file at. (The {@code zoo} launcher sets DJL offline for
 *       its engine and passes the user's own {@code DJL_OFFLINE} as {@code visionzoo.offline}.)
 * </ul>
 *
 * <p>Every file is checked against the SHA-256 prefix in its name whenever it is used, whether
 * this class downloaded it or a user put it there; a download is checked before it is moved into
 * place (see {@link Download}).
 */
public final class Pretrained {

    /** System property of the VisionZoo home folder. */
    public static final String HOME_PROPERTY = "visionzoo.home";

    /** Environment variable of the VisionZoo home folder. */
    public static final String HOME_ENV = "VISIONZOO_HOME";

    /** System property of the mirror base URL. */
    public static final String URL_PROPERTY = "visionzoo.weightsUrl";

    /** Environment variable of the mirror base URL. */
    public static final String URL_ENV = "VISIONZOO_WEIGHTS_URL";

    /** System property of a catalogue file that replaces the standard one. */
    public static final String CATALOGUE_PROPERTY = "visionzoo.weightsCatalogue";

    /** Environment variable of a catalogue file that replaces the standard one. */
    public static final String CATALOGUE_ENV = "VISIONZOO_WEIGHTS_CATALOGUE";

    /** System property that turns downloads off ({@code true}) or on ({@code false}). */
    public static final String OFFLINE_PROPERTY = "visionzoo.offline";

    /** Environment variable that turns downloads off ({@code true}) or on ({@code false}). */
    public static final String OFFLINE_ENV = "VISIONZOO_OFFLINE";

    private final WeightsCatalogue catalogue;
    private final Path cacheDir;
    private final List<Path> alsoLookIn;
    private final String mirror;
    private final boolean offline;
    private final Download.Options downloadOptions;

    private Pretrained(WeightsCatalogue catalogue, Path cacheDir, List<Path> alsoLookIn, String mirror,
            boolean offline, Download.Options downloadOptions) {
        this.catalogue = catalogue;
        this.cacheDir = cacheDir;
        this.alsoLookIn = List.copyOf(alsoLookIn);
        this.mirror = mirror;
        this.offline = offline;
        this.downloadOptions = downloadOptions;
    }

    /** A file is missing and downloads are off; the message says where to put it. */
    public static final class OfflineException extends IOException {

        private static final long serialVersionUID = 1L;

        private final String url;
        private final Path path;

        OfflineException(PretrainedWeights w, String url, Path path) {
            super(w.id() + ": not in the cache and downloads are off (offline mode: --offline, "
                    + OFFLINE_ENV + " or DJL_OFFLINE). Download " + url
                    + " on a machine that can, and put it at " + path + " (its SHA-256 must begin with "
                    + w.sha256Prefix() + ")");
            this.url = url;
            this.path = path;
        }

        /**
         * Returns the URL to download the file from.
         *
         * @return the URL
         */
        public String url() {
            return url;
        }

        /**
         * Returns the exact path to put the file at.
         *
         * @return the path in the cache
         */
        public Path path() {
            return path;
        }
    }

    /**
     * Returns the settings from system properties and the environment (see the class comment),
     * no progress reports and {@link Download.Options#defaults()}.
     *
     * @return the settings
     * @throws java.io.UncheckedIOException if a catalogue file is set and cannot be read
     */
    public static Pretrained standard() {
        String catalogueFile = setting(CATALOGUE_PROPERTY, CATALOGUE_ENV);
        WeightsCatalogue catalogue = WeightsCatalogue.standard();
        if (catalogueFile != null) {
            try (java.io.Reader r = java.nio.file.Files.newBufferedReader(Path.of(catalogueFile))) {
                catalogue = WeightsCatalogue.parse(r, catalogueFile);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        String home = setting(HOME_PROPERTY, HOME_ENV);
        Path userHome = Path.of(System.getProperty("user.home", "."));
        Path cache;
        if (home != null) {
            cache = Path.of(home).resolve("weights");
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            cache = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : userHome.resolve(".cache"))
                    .resolve("visionzoo").resolve("weights");
        }
        String torchHome = System.getenv("TORCH_HOME");
        Path hub = (torchHome != null && !torchHome.isBlank() ? Path.of(torchHome)
                : userHome.resolve(".cache").resolve("torch")).resolve("hub").resolve("checkpoints");
        String explicit = setting(OFFLINE_PROPERTY, OFFLINE_ENV);
        boolean offline = explicit != null ? Boolean.parseBoolean(explicit) : Utils.isOfflineMode();
        return new Pretrained(catalogue, cache, List.of(hub), setting(URL_PROPERTY, URL_ENV),
                offline, Download.Options.defaults());
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * Returns a copy with another catalogue.
     *
     * @param catalogue the catalogue
     * @return the changed copy
     */
    public Pretrained catalogue(WeightsCatalogue catalogue) {
        return new Pretrained(Objects.requireNonNull(catalogue, "catalogue"), cacheDir, alsoLookIn, mirror, offline,
                downloadOptions);
    }

    /**
     * Returns a copy with another cache folder.
     *
     * @param dir the folder downloads go to
     * @return the changed copy
     */
    public Pretrained cacheDir(Path dir) {
        return new Pretrained(catalogue, Objects.requireNonNull(dir, "dir"), alsoLookIn, mirror, offline,
                downloadOptions);
    }

    /**
     * Returns a copy that also looks for files in other folders (read only), instead of torch
     * hub's cache.
     *
     * @param dirs the folders, in order; empty for none
     * @return the changed copy
     */
    public Pretrained alsoLookIn(List<Path> dirs) {
        return new Pretrained(catalogue, cacheDir, dirs, mirror, offline, downloadOptions);
    }

    /**
     * Returns a copy that downloads from a mirror.
     *
     * @param baseUrl the base URL the file names are appended to, or {@code null} for the
     *     catalogue's URLs
     * @return the changed copy
     */
    public Pretrained mirror(String baseUrl) {
        return new Pretrained(catalogue, cacheDir, alsoLookIn, baseUrl, offline, downloadOptions);
    }

    /**
     * Returns a copy with downloads on or off.
     *
     * @param offline {@code true} to never download
     * @return the changed copy
     */
    public Pretrained offline(boolean offline) {
        return new Pretrained(catalogue, cacheDir, alsoLookIn, mirror, offline, downloadOptions);
    }

    /**
     * Returns a copy with other download options (progress callback, timeouts, size limit).
     *
     * @param options the options
     * @return the changed copy
     */
    public Pretrained downloadOptions(Download.Options options) {
        return new Pretrained(catalogue, cacheDir, alsoLookIn, mirror, offline,
                Objects.requireNonNull(options, "options"));
    }

    /**
     * Returns the catalogue.
     *
     * @return the catalogue
     */
    public WeightsCatalogue catalogue() {
        return catalogue;
    }

    /**
     * Returns the cache folder.
     *
     * @return the folder downloads go to
     */
    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * Returns whether downloads are off.
     *
     * @return {@code true} in offline mode
     */
    public boolean isOffline() {
        return offline;
    }

    /**
     * Returns the URL an entry is downloaded from: the catalogue's, or the mirror's.
     *
     * @param w the entry
     * @return the URL
     */
    public URI url(PretrainedWeights w) {
        if (mirror == null) {
            return w.url();
        }
        return URI.create(mirror.endsWith("/") ? mirror + w.file() : mirror + "/" + w.file());
    }

    /**
     * Returns the path of an entry's file in the cache (whether it is there or not).
     *
     * @param w the entry
     * @return the path
     */
    public Path cachePath(PretrainedWeights w) {
        return cacheDir.resolve(w.file());
    }

    /**
     * Finds an entry's file, without downloading: the cache, then the other folders; a file whose
     * digest does not match is ignored.
     *
     * @param w the entry
     * @return the file, or empty
     * @throws IOException if reading fails
     */
    public Optional<Path> find(PretrainedWeights w) throws IOException {
        List<Path> candidates = new ArrayList<>();
        candidates.add(cachePath(w));
        for (Path dir : alsoLookIn) {
            candidates.add(dir.resolve(w.file()));
        }
        for (Path p : candidates) {
            if (Download.matches(p, w.sha256Prefix())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns an entry's file, downloading it into the cache if it is not there.
     *
     * @param w the entry
     * @return the checked file
     * @throws OfflineException if it is missing and downloads are off
     * @throws DownloadException if the download fails; the message also says where to put a file
     *     downloaded elsewhere
     * @throws IOException if reading or writing fails
     */
    public Path fetch(PretrainedWeights w) throws IOException {
        Optional<Path> found = find(w);
        if (found.isPresent()) {
            return found.get();
        }
        URI url = url(w);
        Path target = cachePath(w);
        if (offline) {
            throw new OfflineException(w, url.toString(), target.toAbsolutePath());
        }
        try {
            return Download.fetch(url, target, w.sha256Prefix(), downloadOptions);
        } catch (DownloadException e) {
            throw new DownloadException(e.url(), e.problem() + "\n  (or download it elsewhere and put it at "
                    + target.toAbsolutePath() + ")", e);
        }
    }

    /**
     * Returns the file of a model's weights, downloading it if needed.
     *
     * @param model the model name
     * @param tag the tag, or {@code null} for the default
     * @return the checked file
     * @throws IllegalArgumentException if there is no such entry
     * @throws IOException as {@link #fetch(PretrainedWeights)}
     */
    public Path fetch(String model, String tag) throws IOException {
        return fetch(catalogue.get(model, tag));
    }

    /**
     * Builds a registered model for an entry's classes, initialises it at the entry's crop size
     * and loads the weights (strictly), downloading them if needed.
     *
     * @param manager the manager that will own the parameters
     * @param w the entry
     * @return the model, ready for inference or fine-tuning
     * @throws IllegalArgumentException if the model is not registered
     * @throws IOException if fetching or loading fails
     */
    public ImageClassifier create(NDManager manager, PretrainedWeights w) throws IOException {
        Path file = fetch(w);
        ImageClassifier net = Models.spec(w.model()).create(w.categories().size(), 3);
        net.initialize(manager, w.transform().cropSize());
        Weights.load(net, file);
        return net;
    }

    /**
     * Loads an entry's weights into an initialised model of its architecture, fetching them if
     * needed. A model with another class count (for fine-tuning on other classes) gets every
     * weight but the head's, which keeps its fresh initialisation, as torchvision users replace
     * {@code model.fc}.
     *
     * @param model the model, built for any class count and 3 input channels, initialised
     * @param w the entry
     * @return what was loaded
     * @throws IllegalArgumentException if the model does not take 3 channels
     * @throws IOException if fetching fails or the weights do not fit the model
     */
    public LoadReport loadInto(ImageClassifier model, PretrainedWeights w) throws IOException {
        if (model.inChannels() != w.transform().mean().size()) {
            throw new IllegalArgumentException(w.id() + ": the weights take " + w.transform().mean().size()
                    + "-channel images, the model " + model.inChannels());
        }
        Path file = fetch(w);
        if (model.numClasses() == w.categories().size()) {
            return Weights.load(model, file);
        }
        return Weights.load(model, file, LoadOptions.strict().excluding(model.headName() + "."));
    }

    /**
     * Builds a model with pretrained weights on its own manager.
     *
     * @param model the model name
     * @param tag the tag, or {@code null} for the default
     * @return the model; close it to free its memory
     * @throws IllegalArgumentException if there is no such entry or model
     * @throws IOException if fetching or loading fails
     */
    public PretrainedModel open(String model, String tag) throws IOException {
        PretrainedWeights w = catalogue.get(model, tag);
        NDManager manager = NDManager.newBaseManager();
        try {
            return new PretrainedModel(w, create(manager, w), manager);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Builds a model with its default pretrained weights ({@link #standard()} settings).
     *
     * @param model the model name, e.g. {@code resnet50}
     * @return the model; close it to free its memory
     * @throws IllegalArgumentException if there is no such entry or model
     * @throws IOException if fetching or loading fails
     */
    public static PretrainedModel load(String model) throws IOException {
        return standard().open(model, null);
    }

    /**
     * Builds a model with pretrained weights ({@link #standard()} settings).
     *
     * @param model the model name, e.g. {@code resnet50}
     * @param tag the tag, e.g. {@code IMAGENET1K_V2}; {@code null} or {@code DEFAULT} for the default
     * @return the model; close it to free its memory
     * @throws IllegalArgumentException if there is no such entry or model
     * @throws IOException if fetching or loading fails
     */
    public static PretrainedModel load(String model, String tag) throws IOException {
        return standard().open(model, tag);
    }

    @Override
    public String toString() {
        return "Pretrained[cache " + cacheDir + (mirror == null ? "" : ", mirror " + mirror)
                + (offline ? ", offline" : "") + "]";
    }
}
