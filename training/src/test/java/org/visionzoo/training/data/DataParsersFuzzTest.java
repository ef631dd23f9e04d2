package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the dataset readers with Jazzer: every input must end in a result or
 * a {@link DatasetException} naming the file — never another exception, an error, a hang or an
 * out-of-memory. Regression mode (the normal build) replays the committed inputs in {@code
 * src/test/resources/org/visionzoo/training/data/DataParsersFuzzTestInputs/<target>/}; {@code
 * JAZZER_FUZZ=1} fuzzes one target for its {@code maxDuration} (CI: 30 s each, see {@code ./test}).
 */
class DataParsersFuzzTest {

    private static final String DURATION = "30s";

    /** Small enough that the fuzzer cannot spend its time on huge images. */
    private static final ImageDecoder DECODER = new ImageDecoder(1 << 16);

    @FuzzTest(maxDuration = DURATION)
    void idxImages(byte[] data) throws IOException {
        Path file = write(data, "images-idx3-ubyte");
        try {
            Idx.Images images = Idx.readImages(file);
            assertThat(images.pixels()).hasSize(images.count() * images.rows() * images.cols());
        } catch (DatasetException e) {
            expected(e, file);
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void idxLabels(byte[] data) throws IOException {
        Path file = write(data, "labels-idx1-ubyte");
        try {
            for (int label : Idx.readLabels(file, 10)) {
                assertThat(label).isBetween(0, 9);
            }
        } catch (DatasetException e) {
            expected(e, file);
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void cifarArchive(byte[] data) throws IOException {
        Path file = write(data, "cifar-10-binary.tar.gz");
        try {
            ImageDataset test = Cifar.CIFAR_10.load(file, Split.TEST);
            for (int label : test.labels()) {
                assertThat(label).isBetween(0, 9);
            }
        } catch (DatasetException e) {
            expected(e, file);
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void tar(byte[] data) throws IOException {
        Tar tar = new Tar(new ByteArrayInputStream(data), "fuzz.tar");
        try {
            for (Tar.Entry e = tar.next(); e != null; e = tar.next()) {
                if (e.size() <= 1 << 16) {
                    assertThat(tar.readContent("fuzz.tar!" + e.name())).hasSize((int) e.size());
                }
            }
        } catch (DatasetException e) {
            assertThat(e.getMessage()).startsWith("fuzz.tar");
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void image(byte[] data) throws IOException {
        Path file = write(data, "image");
        try {
            var img = DECODER.decode(file, 3);
            assertThat((long) img.width() * img.height()).isLessThanOrEqualTo(DECODER.maxPixels());
        } catch (DatasetException e) {
            expected(e, file);
        }
    }

    /** A clear error names the file. */
    private static void expected(DatasetException e, Path file) {
        assertThat(e.getMessage()).startsWith(file.toString());
    }

    private static Path write(byte[] data, String name) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "visionzoo-fuzz-" + ProcessHandle.current().pid());
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), data);
    }
}
