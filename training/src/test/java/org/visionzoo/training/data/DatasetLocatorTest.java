package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class DatasetLocatorTest {

    private static final DatasetLocator.Source FASHION = MnistFamily.FASHION_MNIST.source();

    @TempDir Path dir;

    private Path withDataset(Path root, String name) throws IOException {
        Path folder = Files.createDirectories(root.resolve(name));
        Files.write(folder.resolve("train-images-idx3-ubyte.gz"), new byte[0]);
        return folder;
    }

    @Test
    void returnsAnExplicitPathThatExists() throws IOException {
        DatasetLocator locator = new DatasetLocator(List.of(), List.of());

        assertThat(locator.locate(FASHION, dir)).isEqualTo(dir);
    }

    @Test
    void rejectsAnExplicitPathThatDoesNotExist() throws IOException {
        Path system = withDataset(dir.resolve("system"), "fashion-mnist").getParent();
        DatasetLocator locator = new DatasetLocator(List.of(system), List.of());
        Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> locator.locate(FASHION, missing))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        missing
                                + ": expected the fashion-mnist dataset here (given"
                                + " explicitly), found no such file or folder");
    }

    @Test
    void prefersSystemRootsOverTheCache() throws IOException {
        Path system = dir.resolve("usr-share-datasets");
        Path cache = dir.resolve("cache");
        Path expected = withDataset(system, "fashion-mnist");
        withDataset(cache, "fashion-mnist");

        DatasetLocator locator = new DatasetLocator(List.of(system), List.of(cache));

        assertThat(locator.locate(FASHION, null)).isEqualTo(expected);
    }

    @Test
    void findsTheDatasetInTheCacheNamedByTheEnvironment() throws IOException {
        Path cache = dir.resolve("data");
        Path expected = withDataset(cache, "mnist");

        DatasetLocator locator =
                DatasetLocator.fromEnvironment(
                        Map.of("VISIONZOO_DATA", cache.toString()), dir.resolve("home"));

        assertThat(locator.candidates(MnistFamily.MNIST.source()))
                .containsExactly(Path.of("/usr/share/datasets/mnist"), expected);
        assertThat(locator.locate(MnistFamily.MNIST.source(), null)).isEqualTo(expected);
    }

    @Test
    void defaultsTheCacheToTheHomeFolder() throws IOException {
        Path home = dir.resolve("home");
        Path expected = withDataset(home.resolve(".visionzoo/data"), "mnist");

        DatasetLocator locator = DatasetLocator.fromEnvironment(Map.of(), home);

        assertThat(locator.locate(MnistFamily.MNIST.source(), null)).isEqualTo(expected);
    }

    @Test
    void findsCifarByItsArchive() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("cifar-10"));
        Files.write(folder.resolve("cifar-10-binary.tar.gz"), new byte[0]);

        DatasetLocator locator = new DatasetLocator(List.of(), List.of(dir));

        assertThat(locator.locate(Cifar.CIFAR_10.source(), null)).isEqualTo(folder);
    }

    @Test
    void listsEveryPlaceAndHowToGetTheDataWhenNothingIsFound() throws IOException {
        Path system = dir.resolve("system");
        Path cache = dir.resolve("cache");
        Files.createDirectories(cache.resolve("fashion-mnist")); // exists, but empty
        DatasetLocator locator = new DatasetLocator(List.of(system), List.of(cache));

        assertThatThrownBy(() -> locator.locate(FASHION, null))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        "fashion-mnist: dataset not found; looked in:\n  "
                                + system.resolve("fashion-mnist")
                                + " (no such folder)\n  "
                                + cache.resolve("fashion-mnist")
                                + " (exists, but has none of [train-images-idx3-ubyte.gz,"
                                + " train-images-idx3-ubyte, t10k-images-idx3-ubyte.gz,"
                                + " t10k-images-idx3-ubyte])\n"
                                + "To get it:\n"
                                + "  apt-get install dataset-fashion-mnist\n"
                                + "  download it from"
                                + " https://github.com/zalandoresearch/fashion-mnist into "
                                + cache.resolve("fashion-mnist")
                                + "\n  or pass the folder with --data DIR");
    }

    @Test
    void omitsTheAptHintWhenThereIsNoPackage() {
        DatasetLocator locator = new DatasetLocator(List.of(), List.of(dir));

        assertThatThrownBy(() -> locator.locate(Cifar.CIFAR_100.source(), null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.resolve("cifar-100") + " (no such folder)")
                .hasMessageContaining("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz")
                .hasMessageNotContaining("apt-get");
    }

    @Test
    void standardSearchesDebianFirst() {
        assertThat(DatasetLocator.standard().candidates(FASHION).get(0))
                .isEqualTo(MnistFamilyTest.DEBIAN_FASHION_MNIST);
    }
}
