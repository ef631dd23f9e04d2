package org.visionzoo.training.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds the folder of a dataset on this machine; never downloads anything.
 *
 * <p>The search order is: a folder (or file) given explicitly, such as with {@code --data DIR},
 * which must exist; then {@code <root>/<name>} for each system root, such as Debian's {@code
 * /usr/share/datasets} where the {@code dataset-fashion-mnist} package installs {@code
 * /usr/share/datasets/fashion-mnist}; then {@code <cache>/<name>} for each cache root, by default
 * {@code $VISIONZOO_DATA} or else {@code ~/.visionzoo/data}. A folder counts as found when it holds
 * at least one of the dataset's {@link Source#markers() marker} files or folders.
 *
 * <p>Tests build a locator with their own roots; {@link #standard()} uses the real places.
 */
public final class DatasetLocator {

    /** Where Debian's dataset packages install, one folder per dataset. */
    public static final Path DEBIAN_DATASETS = Path.of("/usr/share/datasets");

    /** The environment variable naming the cache root. */
    public static final String DATA_ENV = "VISIONZOO_DATA";

    /**
     * What a locator needs to know about a dataset.
     *
     * @param name the folder name under every root, such as {@code fashion-mnist}
     * @param markers files or folders of which at least one is in a folder holding the dataset
     * @param aptPackage the Debian package that installs it under {@code /usr/share/datasets}, or
     *     {@code null}
     * @param downloadUrl where to get the official distribution
     */
    public record Source(String name, List<String> markers, String aptPackage, String downloadUrl) {

        /**
         * Checks and copies the components.
         *
         * @param name the folder name under every root
         * @param markers files or folders that show the dataset is there
         * @param aptPackage the Debian package, or {@code null}
         * @param downloadUrl where to get it
         */
        public Source {
            Objects.requireNonNull(name, "name");
            markers = List.copyOf(markers);
            Objects.requireNonNull(downloadUrl, "downloadUrl");
        }
    }

    private final List<Path> systemRoots;
    private final List<Path> cacheRoots;

    /**
     * Creates a locator that searches the given roots.
     *
     * @param systemRoots roots of system-wide installs, searched first
     * @param cacheRoots roots of user caches, searched next
     */
    public DatasetLocator(List<Path> systemRoots, List<Path> cacheRoots) {
        this.systemRoots = List.copyOf(systemRoots);
        this.cacheRoots = List.copyOf(cacheRoots);
    }

    /**
     * Returns a locator for this machine: {@code /usr/share/datasets}, then {@code $VISIONZOO_DATA}
     * or else {@code ~/.visionzoo/data}.
     *
     * @return the locator
     */
    public static DatasetLocator standard() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * Returns the locator {@link #standard()} would give for an environment and home folder.
     *
     * @param env environment variables; {@value #DATA_ENV} is used if set and not blank
     * @param home the user's home folder
     * @return the locator
     */
    public static DatasetLocator fromEnvironment(Map<String, String> env, Path home) {
        String data = env.get(DATA_ENV);
        Path cache =
                data != null && !data.isBlank()
                        ? Path.of(data)
                        : home.resolve(".visionzoo").resolve("data");
        return new DatasetLocator(List.of(DEBIAN_DATASETS), List.of(cache));
    }

    /**
     * Returns the folders searched for a dataset, in order, after an explicit path.
     *
     * @param source the dataset
     * @return {@code <root>/<name>} for each system root, then each cache root
     */
    public List<Path> candidates(Source source) {
        List<Path> out = new ArrayList<>();
        for (Path root : systemRoots) {
            out.add(root.resolve(source.name()));
        }
        for (Path root : cacheRoots) {
            out.add(root.resolve(source.name()));
        }
        return out;
    }

    /**
     * Finds a dataset in the known places; the same as {@code locate(source, null)}.
     *
     * @param source the dataset
     * @return the first candidate holding the dataset
     * @throws DatasetException if nothing is found; the message lists every place looked at and how
     *     to get the data
     */
    public Path locate(Source source) throws DatasetException {
        return locate(source, null);
    }

    /**
     * Finds a dataset.
     *
     * @param source the dataset
     * @param explicit a path given by the user, or {@code null} to search the known places
     * @return {@code explicit} if given, else the first candidate holding the dataset
     * @throws DatasetException if {@code explicit} does not exist, or nothing is found; the message
     *     lists every place looked at and how to get the data
     */
    public Path locate(Source source, Path explicit) throws DatasetException {
        if (explicit != null) {
            if (!Files.exists(explicit)) {
                throw new DatasetException(
                        explicit,
                        "expected the "
                                + source.name()
                                + " dataset here (given explicitly),"
                                + " found no such file or folder");
            }
            return explicit;
        }
        StringBuilder looked = new StringBuilder();
        for (Path dir : candidates(source)) {
            if (holds(dir, source)) {
                return dir;
            }
            looked.append("\n  ")
                    .append(dir)
                    .append(
                            Files.isDirectory(dir)
                                    ? " (exists, but has none of " + source.markers() + ")"
                                    : " (no such folder)");
        }
        StringBuilder how = new StringBuilder("\nTo get it:");
        if (source.aptPackage() != null) {
            how.append("\n  apt-get install ").append(source.aptPackage());
        }
        how.append("\n  download it from ")
                .append(source.downloadUrl())
                .append(
                        cacheRoots.isEmpty()
                                ? ""
                                : " into " + cacheRoots.get(0).resolve(source.name()))
                .append("\n  or pass the folder with --data DIR");
        throw new DatasetException(source.name(), "dataset not found; looked in:" + looked + how);
    }

    private static boolean holds(Path dir, Source source) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        if (source.markers().isEmpty()) {
            return true;
        }
        for (String marker : source.markers()) {
            if (Files.exists(dir.resolve(marker))) {
                return true;
            }
        }
        return false;
    }
}
