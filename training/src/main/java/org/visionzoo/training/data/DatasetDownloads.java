package org.visionzoo.training.data;

import org.visionzoo.core.io.Download;
import org.visionzoo.core.io.DownloadException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The official files of the datasets this package reads, with their SHA-256 digests, and a way to
 * fetch them all into a folder in the layout the readers take: {@link MnistFamily#load} for {@code
 * mnist} and {@code fashion-mnist} (the four {@code .gz} files), {@link Cifar#load} for {@code
 * cifar-10} and {@code cifar-100} (the {@code .tar.gz} archive, read without unpacking).
 *
 * <p>The ids are the readers' {@link MnistFamily#id()} and {@link Cifar#id()}, also the folder
 * names {@link DatasetLocator} looks for under its cache root, so {@code download(id,
 * <cache>/<id>, ...)} puts a dataset where {@link DatasetLocator#standard()} finds it.
 *
 * <p>The digests of {@link #official()} are those published by other projects that pin these
 * files (TensorFlow Datasets and many others agree on each); they were not recomputed from a
 * download when this class was written, since the build has no network. A wrong digest makes the
 * download fail with both digests in the message, never accept a wrong file.
 *
 * <p>Tests and mirrors build their own registry with {@link #DatasetDownloads(Collection)} or
 * change a base URL with {@link #withBaseUrl(String, URI)}.
 */
public final class DatasetDownloads {

    /**
     * One file of a dataset.
     *
     * @param name the file name, both under the base URL and in the target folder
     * @param sha256 its SHA-256 digest, 64 hex digits
     */
    public record RemoteFile(String name, String sha256) {

        /**
         * Checks the components.
         *
         * @param name a plain file name (no folder)
         * @param sha256 64 hex digits, stored in lower case
         * @throws IllegalArgumentException if the name has a folder or the digest is malformed
         */
        public RemoteFile {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.contains("/") || name.contains("\\")
                    || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException("expected a plain file name, got '" + name + "'");
            }
            sha256 = Download.checkDigest(sha256);
        }
    }

    /**
     * A dataset's files and where they are.
     *
     * @param id the dataset's id, such as {@code fashion-mnist}
     * @param baseUrl the URL the file names are resolved against
     * @param files the files
     */
    public record Dataset(String id, URI baseUrl, List<RemoteFile> files) {

        /**
         * Checks and copies the components; a {@code /} is added to the base URL's path if it has
         * none at the end, so file names resolve inside it.
         *
         * @param id the dataset's id
         * @param baseUrl an {@code http} or {@code https} URL
         * @param files at least one file
         * @throws IllegalArgumentException if there is no file or the URL is not HTTP(S)
         */
        public Dataset {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(baseUrl, "baseUrl");
            String scheme = baseUrl.getScheme();
            if (scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException(
                        "expected an http or https base URL, got " + baseUrl);
            }
            if (!baseUrl.toString().endsWith("/")) {
                baseUrl = URI.create(baseUrl + "/");
            }
            files = List.copyOf(files);
            if (files.isEmpty()) {
                throw new IllegalArgumentException(id + ": expected at least one file");
            }
        }

        /**
         * Returns the URL of one of the files.
         *
         * @param file a file of this dataset
         * @return the base URL resolved with the file name
         */
        public URI url(RemoteFile file) {
            return baseUrl.resolve(file.name());
        }

        /**
         * Returns a copy with another base URL, such as a mirror's.
         *
         * @param baseUrl the new base URL
         * @return the changed copy
         */
        public Dataset withBaseUrl(URI baseUrl) {
            return new Dataset(id, baseUrl, files);
        }
    }

    // Digests as published by projects that pin these files (TensorFlow Datasets among them);
    // not recomputed from a download here. Three differ from values once circulated in this
    // project's notes (fashion-mnist and mnist t10k-labels, cifar-100): the ones below are those
    // every public source found agrees on.
    private static final DatasetDownloads OFFICIAL =
            new DatasetDownloads(
                    List.of(
                            // Zalando Research's distribution (the URL in its README).
                            new Dataset(
                                    "fashion-mnist",
                                    URI.create(
                                            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
                                    List.of(
                                            file("train-images-idx3-ubyte.gz",
                                                    "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
                                            file("train-labels-idx1-ubyte.gz",
                                                    "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
                                            file("t10k-images-idx3-ubyte.gz",
                                                    "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
                                            file("t10k-labels-idx1-ubyte.gz",
                                                    "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"))),
                            // The mirror torchvision uses, with the same bytes as yann.lecun.com.
                            new Dataset(
                                    "mnist",
                                    URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
                                    List.of(
                                            file("train-images-idx3-ubyte.gz",
                                                    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                                            file("train-labels-idx1-ubyte.gz",
                                                    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
                                            file("t10k-images-idx3-ubyte.gz",
                                                    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
                                            file("t10k-labels-idx1-ubyte.gz",
                                                    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"))),
                            // Alex Krizhevsky's page, binary versions.
                            new Dataset(
                                    "cifar-10",
                                    URI.create("https://www.cs.toronto.edu/~kriz/"),
                                    List.of(
                                            file("cifar-10-binary.tar.gz",
                                                    "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"))),
                            new Dataset(
                                    "cifar-100",
                                    URI.create("https://www.cs.toronto.edu/~kriz/"),
                                    List.of(
                                            file("cifar-100-binary.tar.gz",
                                                    "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec")))));

    private static RemoteFile file(String name, String sha256) {
        return new RemoteFile(name, sha256);
    }

    private final Map<String, Dataset> datasets;

    /**
     * Creates a registry of the given datasets.
     *
     * @param datasets the datasets, with distinct ids
     * @throws IllegalArgumentException if two have the same id
     */
    public DatasetDownloads(Collection<Dataset> datasets) {
        Map<String, Dataset> map = new LinkedHashMap<>();
        for (Dataset d : datasets) {
            if (map.put(d.id(), d) != null) {
                throw new IllegalArgumentException("dataset id '" + d.id() + "' given twice");
            }
        }
        this.datasets = map;
    }

    /**
     * Returns the registry of the official distributions of {@code fashion-mnist}, {@code mnist},
     * {@code cifar-10} and {@code cifar-100}.
     *
     * @return the registry
     */
    public static DatasetDownloads official() {
        return OFFICIAL;
    }

    /**
     * Returns the ids of the datasets, in the order given.
     *
     * @return an unmodifiable list
     */
    public List<String> ids() {
        return List.copyOf(datasets.keySet());
    }

    /**
     * Returns one dataset's files and base URL.
     *
     * @param id the dataset's id
     * @return the dataset
     * @throws IllegalArgumentException if the id is unknown, naming the known ones
     */
    public Dataset dataset(String id) {
        Dataset d = datasets.get(Objects.requireNonNull(id, "id"));
        if (d == null) {
            throw new IllegalArgumentException(
                    "unknown dataset '" + id + "'; expected one of " + datasets.keySet());
        }
        return d;
    }

    /**
     * Returns a copy of this registry in which one dataset is fetched from another base URL, such
     * as a mirror.
     *
     * @param id the dataset's id
     * @param baseUrl the URL its file names are resolved against
     * @return the changed copy
     * @throws IllegalArgumentException if the id is unknown or the URL is not HTTP(S)
     */
    public DatasetDownloads withBaseUrl(String id, URI baseUrl) {
        Dataset changed = dataset(id).withBaseUrl(baseUrl);
        Map<String, Dataset> map = new LinkedHashMap<>(datasets);
        map.put(id, changed);
        return new DatasetDownloads(map.values());
    }

    /**
     * Downloads every file of a dataset into a folder, skipping those already there with the
     * right digest (see {@link Download#fetch}).
     *
     * @param id the dataset's id
     * @param dir the folder, created if needed; typically {@code <cache root>/<id>}
     * @param options progress, timeouts and size limit
     * @return {@code dir}, ready for the dataset's reader
     * @throws IllegalArgumentException if the id is unknown
     * @throws DatasetException naming the URL of the first file that fails; the files fetched
     *     before it stay
     * @throws IOException if writing fails
     */
    public Path download(String id, Path dir, Download.Options options) throws IOException {
        Dataset d = dataset(id);
        Objects.requireNonNull(dir, "dir");
        for (RemoteFile file : d.files()) {
            try {
                Download.fetch(d.url(file), dir.resolve(file.name()), file.sha256(), options);
            } catch (DownloadException e) {
                throw new DatasetException(e.url(), e.problem(), e);
            }
        }
        return dir;
    }

    @Override
    public String toString() {
        return "DatasetDownloads" + datasets.keySet();
    }
}
