package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.visionzoo.training.data.DataFiles.gzip;
import static org.visionzoo.training.data.DataFiles.images;
import static org.visionzoo.training.data.DataFiles.labels;
import static org.visionzoo.training.data.DataFiles.pattern;

import org.visionzoo.core.io.Download;
import org.visionzoo.core.testing.LoopbackFileServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Dataset downloads from a loopback HTTP server; nothing leaves the machine. */
class DatasetDownloadsTest {

    private static final Download.Options QUIET = Download.Options.defaults();

    @TempDir Path dir;

    @AutoClose private final LoopbackFileServer server = new LoopbackFileServer();
    private final Map<String, byte[]> files = server.files();
    private final List<String> requests = server.requests();

    private URI url(String path) {
        return server.url(path);
    }

    private byte[] serve(String path, int size) {
        byte[] data = pattern(size, size % 7);
        files.put(path, data);
        return data;
    }

    private void assertNothingLeft(Path target) throws IOException {
        assertThat(target).doesNotExist();
        try (var listing = Files.list(dir)) {
            assertThat(listing.filter(p -> p.getFileName().toString().endsWith(".part")))
                    .isEmpty();
        }
    }

    // ---- DatasetDownloads ---------------------------------------------------------------------

    /** Serves a tiny MNIST under {@code /mirror/} and returns a registry that knows its digests. */
    private DatasetDownloads tinyMnist() {
        Map<String, byte[]> gz =
                Map.of(
                        "train-images-idx3-ubyte.gz", gzip(images(3, 28, 28)),
                        "train-labels-idx1-ubyte.gz", gzip(labels(7, 0, 9)),
                        "t10k-images-idx3-ubyte.gz", gzip(images(2, 28, 28)),
                        "t10k-labels-idx1-ubyte.gz", gzip(labels(1, 2)));
        List<DatasetDownloads.RemoteFile> remote = new java.util.ArrayList<>();
        for (String name : DatasetDownloads.official().dataset("mnist").files().stream()
                .map(DatasetDownloads.RemoteFile::name).toList()) {
            files.put("/mirror/" + name, gz.get(name));
            remote.add(new DatasetDownloads.RemoteFile(name, Download.sha256(gz.get(name))));
        }
        return new DatasetDownloads(
                List.of(new DatasetDownloads.Dataset("mnist", url("/mirror"), remote)));
    }

    @Test
    void datasetDownloadGivesAFolderTheReaderLoads() throws IOException {
        DatasetDownloads registry = tinyMnist();
        Path folder = dir.resolve("cache/mnist");

        Path got = registry.download("mnist", folder, QUIET);

        assertThat(got).isEqualTo(folder);
        assertThat(requests).hasSize(4).allMatch(r -> r.startsWith("/mirror/"));
        ImageDataset train = MnistFamily.MNIST.load(folder, Split.TRAIN);
        ImageDataset test = MnistFamily.MNIST.load(folder, Split.TEST);
        assertThat(train.size()).isEqualTo(3);
        assertThat(train.labels()).containsExactly(7, 0, 9);
        assertThat(test.size()).isEqualTo(2);
        assertThat(new DatasetLocator(List.of(), List.of(dir.resolve("cache")))
                        .locate(MnistFamily.MNIST.source()))
                .isEqualTo(folder);

        registry.download("mnist", folder, QUIET);
        assertThat(requests).hasSize(4); // all there already
    }

    @Test
    void datasetDownloadFailsOnABadFileNamingIt() throws IOException {
        DatasetDownloads registry = tinyMnist();
        files.put("/mirror/t10k-images-idx3-ubyte.gz", new byte[] {1, 2, 3});
        Path folder = dir.resolve("mnist");

        assertThatThrownBy(() -> registry.download("mnist", folder, QUIET))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(
                        url("/mirror/t10k-images-idx3-ubyte.gz") + ": SHA-256 mismatch");
        assertThat(folder.resolve("train-images-idx3-ubyte.gz")).exists();
        assertThat(folder.resolve("t10k-images-idx3-ubyte.gz")).doesNotExist();
        assertThat(folder.resolve("t10k-images-idx3-ubyte.gz.part")).doesNotExist();
    }

    @Test
    void officialRegistryMatchesTheReaders() {
        DatasetDownloads official = DatasetDownloads.official();

        assertThat(official.ids()).containsExactly("fashion-mnist", "mnist", "cifar-10",
                "cifar-100");
        for (MnistFamily family : MnistFamily.values()) {
            DatasetDownloads.Dataset d = official.dataset(family.id());
            assertThat(d.files()).extracting(DatasetDownloads.RemoteFile::name)
                    .containsExactlyInAnyOrder("train-images-idx3-ubyte.gz",
                            "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                            "t10k-labels-idx1-ubyte.gz");
        }
        for (Cifar cifar : Cifar.values()) {
            DatasetDownloads.Dataset d = official.dataset(cifar.id());
            assertThat(d.files()).hasSize(1);
            assertThat(cifar.source().markers()).contains(d.files().get(0).name());
            assertThat(d.url(d.files().get(0)).toString())
                    .isEqualTo(cifar.source().downloadUrl());
        }
        assertThat(official.dataset("mnist").url(official.dataset("mnist").files().get(0)))
                .hasToString(
                        "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz");
        assertThatThrownBy(() -> official.dataset("imagenet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[fashion-mnist, mnist, cifar-10, cifar-100]");
    }

    @Test
    void baseUrlCanBeChangedKeepingTheDigests() {
        DatasetDownloads official = DatasetDownloads.official();
        DatasetDownloads mirrored =
                official.withBaseUrl("fashion-mnist", URI.create("https://mirror.example/fm"));

        DatasetDownloads.Dataset d = mirrored.dataset("fashion-mnist");
        assertThat(d.url(d.files().get(0)))
                .hasToString("https://mirror.example/fm/train-images-idx3-ubyte.gz");
        assertThat(d.files()).isEqualTo(official.dataset("fashion-mnist").files());
        assertThat(mirrored.dataset("mnist")).isEqualTo(official.dataset("mnist"));
        assertThat(official.dataset("fashion-mnist").baseUrl().getHost())
                .isEqualTo("fashion-mnist.s3-website.eu-central-1.amazonaws.com");
    }
}
