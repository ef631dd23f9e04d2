package org.visionzoo.training.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * MNIST and Fashion-MNIST from their standard distribution: a folder with {@code
 * train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
 * {@code t10k-labels-idx1-ubyte}, each gzipped ({@code .gz}) or not.
 *
 * <p>Images are 1x28x28 unsigned bytes (any positive size is accepted), labels 0..9.
 */
public enum MnistFamily {
    /** Handwritten digits 0 to 9. */
    MNIST(
            "mnist",
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            null,
            "https://yann.lecun.com/exdb/mnist/"),

    /** Zalando's Fashion-MNIST: ten kinds of clothing. */
    FASHION_MNIST(
            "fashion-mnist",
            List.of(
                    "T-shirt/top",
                    "Trouser",
                    "Pullover",
                    "Dress",
                    "Coat",
                    "Sandal",
                    "Shirt",
                    "Sneaker",
                    "Bag",
                    "Ankle boot"),
            "dataset-fashion-mnist",
            "https://github.com/zalandoresearch/fashion-mnist");

    private final String id;
    private final List<String> classNames;
    private final DatasetLocator.Source source;

    MnistFamily(String id, List<String> classNames, String aptPackage, String url) {
        this.id = id;
        this.classNames = classNames;
        this.source =
                new DatasetLocator.Source(
                        id,
                        List.of(
                                "train-images-idx3-ubyte.gz",
                                "train-images-idx3-ubyte",
                                "t10k-images-idx3-ubyte.gz",
                                "t10k-images-idx3-ubyte"),
                        aptPackage,
                        url);
    }

    /**
     * Returns the dataset's short name, also the name of its folder in the cache: {@code mnist} or
     * {@code fashion-mnist}.
     *
     * @return the name
     */
    public String id() {
        return id;
    }

    /**
     * Returns the names of the ten classes, in label order.
     *
     * @return an unmodifiable list
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Describes where this dataset can be found, for {@link DatasetLocator}.
     *
     * @return the description
     */
    public DatasetLocator.Source source() {
        return source;
    }

    /**
     * Reads one split from a folder holding the standard files.
     *
     * @param dir the folder
     * @param split which split
     * @return the images ({@code 1 x rows x cols}) and labels
     * @throws DatasetException if a file is missing or malformed, a label is not in 0..9, or the
     *     image and label files disagree on the number of images
     * @throws IOException if reading fails
     */
    public ImageDataset load(Path dir, Split split) throws IOException {
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        Path imagesFile = find(dir, prefix + "-images-idx3-ubyte");
        Path labelsFile = find(dir, prefix + "-labels-idx1-ubyte");
        Idx.Images images = Idx.readImages(imagesFile);
        int[] labels = Idx.readLabels(labelsFile, classNames.size());
        if (labels.length != images.count()) {
            throw new DatasetException(
                    labelsFile,
                    "expected "
                            + images.count()
                            + " labels, one per image of "
                            + imagesFile
                            + ", found "
                            + labels.length);
        }
        return new ImageDataset(
                id + "/" + split.name().toLowerCase(Locale.ROOT),
                1,
                images.rows(),
                images.cols(),
                ImageDataset.Layout.CHW,
                images.pixels(),
                labels,
                classNames);
    }

    /** Finds {@code name} or {@code name.gz} in the folder, preferring the uncompressed file. */
    private static Path find(Path dir, String name) throws DatasetException {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir, "expected a folder with the dataset, found none");
        }
        for (String candidate : List.of(name, name + ".gz")) {
            Path file = dir.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new DatasetException(
                dir, "expected the file " + name + " or " + name + ".gz, found neither");
    }
}
