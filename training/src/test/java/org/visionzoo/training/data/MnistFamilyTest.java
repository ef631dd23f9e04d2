package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.visionzoo.training.data.DataFiles.gzip;
import static org.visionzoo.training.data.DataFiles.images;
import static org.visionzoo.training.data.DataFiles.labels;
import static org.visionzoo.training.data.DataFiles.pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

class MnistFamilyTest {

    /** Where Debian's {@code dataset-fashion-mnist} package installs the four files. */
    static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir Path dir;

    @Test
    void loadsGzippedTrainAndPlainTestSplits() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(3, 2, 4)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(7, 0, 9)));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(2, 2, 4));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels(1, 2));

        ImageDataset train = MnistFamily.FASHION_MNIST.load(dir, Split.TRAIN);
        ImageDataset test = MnistFamily.FASHION_MNIST.load(dir, Split.TEST);

        assertThat(train.name()).isEqualTo("fashion-mnist/train");
        assertThat(train.size()).isEqualTo(3);
        assertThat(train.channels()).isEqualTo(1);
        assertThat(train.height()).isEqualTo(2);
        assertThat(train.width()).isEqualTo(4);
        assertThat(train.layout()).isEqualTo(ImageDataset.Layout.CHW);
        assertThat(train.image(1)).isEqualTo(Arrays.copyOfRange(pattern(24, 0), 8, 16));
        assertThat(train.label(0)).isEqualTo(7);
        assertThat(train.labels()).containsExactly(7, 0, 9);
        assertThat(train.classNames().get(9)).isEqualTo("Ankle boot");
        assertThat(test.size()).isEqualTo(2);
        assertThat(test.labels()).containsExactly(1, 2);
    }

    @Test
    void datasetIsImmutable() throws IOException {
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(2, 2, 2));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels(1, 2));
        ImageDataset set = MnistFamily.MNIST.load(dir, Split.TEST);

        set.image(0)[0] = 99;
        set.labels()[0] = 5;
        ByteBuffer pixels = set.pixels();

        assertThat(set.image(0)[0]).isEqualTo((byte) 0);
        assertThat(set.label(0)).isEqualTo(1);
        assertThat(pixels.isReadOnly()).isTrue();
        assertThat(pixels.remaining()).isEqualTo(8);
        assertThatThrownBy(() -> set.classNames().add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> set.image(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void fashionMnistClassNames() {
        assertThat(MnistFamily.FASHION_MNIST.classNames())
                .containsExactly(
                        "T-shirt/top",
                        "Trouser",
                        "Pullover",
                        "Dress",
                        "Coat",
                        "Sandal",
                        "Shirt",
                        "Sneaker",
                        "Bag",
                        "Ankle boot");
        assertThat(MnistFamily.MNIST.classNames()).hasSize(10);
    }

    @Test
    void rejectsImageAndLabelCountsThatDiffer() throws IOException {
        Path images = Files.write(dir.resolve("train-images-idx3-ubyte"), images(3, 2, 2));
        Path labels = Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(1, 2)));

        assertThatThrownBy(() -> MnistFamily.MNIST.load(dir, Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        labels + ": expected 3 labels, one per image of " + images + ", found 2");
    }

    @Test
    void rejectsMissingFile() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(1, 2, 2));

        assertThatThrownBy(() -> MnistFamily.MNIST.load(dir, Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        dir
                                + ": expected the file train-labels-idx1-ubyte or"
                                + " train-labels-idx1-ubyte.gz, found neither");
    }

    @Test
    void rejectsMissingFolder() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> MnistFamily.MNIST.load(missing, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessage(missing + ": expected a folder with the dataset, found none");
    }

    @Test
    void rejectsLabelOutOfRangeInTheLabelFile() throws IOException {
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(2, 2, 2));
        Path labels = Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels(1, 10));

        assertThatThrownBy(() -> MnistFamily.FASHION_MNIST.load(dir, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessage(labels + ": label 10 at index 1 is out of range 0..9");
    }

    /** The real files of Debian's dataset-fashion-mnist package, which CI installs. */
    @Test
    void readsDebianFashionMnist() throws IOException {
        // Never skipped: CI installs the package (.ci/run), and so must a developer.
        assertThat(DEBIAN_FASHION_MNIST)
                .as("Debian's Fashion-MNIST: apt-get install dataset-fashion-mnist")
                .isDirectory();
        Path found = DatasetLocator.standard().locate(MnistFamily.FASHION_MNIST.source(), null);
        assertThat(found).isEqualTo(DEBIAN_FASHION_MNIST);

        ImageDataset train = MnistFamily.FASHION_MNIST.load(found, Split.TRAIN);
        ImageDataset test = MnistFamily.FASHION_MNIST.load(found, Split.TEST);

        assertThat(train.size()).isEqualTo(60_000);
        assertThat(test.size()).isEqualTo(10_000);
        for (ImageDataset set : new ImageDataset[] {train, test}) {
            assertThat(set.channels()).isEqualTo(1);
            assertThat(set.height()).isEqualTo(28);
            assertThat(set.width()).isEqualTo(28);
            assertThat(set.pixels().remaining()).isEqualTo(set.size() * 784);
        }
        int[] sixThousand = new int[10];
        Arrays.fill(sixThousand, 6_000);
        int[] oneThousand = new int[10];
        Arrays.fill(oneThousand, 1_000);
        assertThat(train.labelHistogram()).containsExactly(sixThousand);
        assertThat(test.labelHistogram()).containsExactly(oneThousand);
        // Checked against an independent reader (Python's gzip module on the same files).
        assertThat(Arrays.copyOf(train.labels(), 10)).containsExactly(9, 0, 0, 3, 0, 2, 7, 2, 5, 5);
        assertThat(Arrays.copyOf(test.labels(), 10)).containsExactly(9, 2, 1, 1, 6, 1, 4, 6, 5, 7);
        assertThat(pixelSum(train.image(0))).isEqualTo(76_247);
        assertThat(pixelSum(test.image(0))).isEqualTo(33_456);
        assertThat(train.classNames().get(train.label(0))).isEqualTo("Ankle boot");
    }

    private static long pixelSum(byte[] image) {
        long sum = 0;
        for (byte b : image) {
            sum += b & 0xFF;
        }
        return sum;
    }
}
