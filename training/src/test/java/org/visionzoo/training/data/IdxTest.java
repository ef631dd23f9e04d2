package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.visionzoo.training.data.DataFiles.gzip;
import static org.visionzoo.training.data.DataFiles.idx;
import static org.visionzoo.training.data.DataFiles.images;
import static org.visionzoo.training.data.DataFiles.labels;
import static org.visionzoo.training.data.DataFiles.pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

class IdxTest {

    @TempDir Path dir;

    private Path write(String name, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), data);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsImagesAndLabelsPlainOrGzipped(boolean gzipped) throws IOException {
        byte[] img = images(3, 2, 4);
        byte[] lab = labels(0, 9, 5);
        Path images = write("i", gzipped ? gzip(img) : img);
        Path labels = write("l", gzipped ? gzip(lab) : lab);

        Idx.Images read = Idx.readImages(images);

        assertThat(read.count()).isEqualTo(3);
        assertThat(read.rows()).isEqualTo(2);
        assertThat(read.cols()).isEqualTo(4);
        assertThat(read.pixels()).isEqualTo(pattern(24, 0));
        assertThat(Idx.readLabels(labels, 10)).containsExactly(0, 9, 5);
    }

    @Test
    void detectsGzipByMagicNotByName() throws IOException {
        Path gzNamedPlain = write("x-idx3-ubyte.gz", images(1, 1, 1));
        Path plainNamedGz = write("x-idx3-ubyte", gzip(images(2, 1, 1)));

        assertThat(Idx.readImages(gzNamedPlain).count()).isEqualTo(1);
        assertThat(Idx.readImages(plainNamedGz).count()).isEqualTo(2);
    }

    @Test
    void readsZeroImages() throws IOException {
        assertThat(Idx.readImages(write("i", images(0, 28, 28))).count()).isZero();
    }

    @Test
    void rejectsWrongMagic() throws IOException {
        Path file = write("train-images-idx3-ubyte", labels(1, 2));

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining("expected the IDX images magic 0x00000803")
                .hasMessageContaining("found 0x00000801");
    }

    @Test
    void rejectsImagesMagicForLabels() throws IOException {
        Path file = write("train-labels-idx1-ubyte", images(1, 1, 1));

        assertThatThrownBy(() -> Idx.readLabels(file, 10))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        file
                                + ": expected the IDX labels magic 0x00000801 (unsigned bytes, 1"
                                + " dimension), found 0x00000803");
    }

    @Test
    void rejectsDimsThatDoNotMatchTheByteCount() throws IOException {
        Path file = write("i", idx(Idx.IMAGES_MAGIC, new int[] {3, 2, 2}, new byte[13]));

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        file
                                + ": expected 12 bytes of pixels for [3, 2, 2] after the header,"
                                + " found 13");
    }

    @Test
    void rejectsTrailingBytesInGzip() throws IOException {
        Path file = write("i.gz", gzip(idx(Idx.IMAGES_MAGIC, new int[] {3, 2, 2}, new byte[13])));

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        file
                                + ": expected the file to end after 12 bytes of pixels for"
                                + " [3, 2, 2], found 1 more bytes");
    }

    @Test
    void rejectsTruncatedPlainFile() throws IOException {
        byte[] full = images(3, 2, 2);
        Path file = write("i", Arrays.copyOf(full, full.length - 5));

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        file
                                + ": truncated: expected 12 bytes of pixels for [3, 2, 2] after"
                                + " the header, found 7");
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        Path file = write("i", new byte[] {0, 0, 8, 3, 0, 0});

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        file
                                + ": truncated: expected 12 bytes of IDX dimensions after the"
                                + " magic, found only 2");
    }

    @Test
    void rejectsGzipWhoseDataIsShorterThanTheHeaderSays() throws IOException {
        Path file = write("i.gz", gzip(idx(Idx.IMAGES_MAGIC, new int[] {3, 2, 2}, new byte[7])));

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        file
                                + ": truncated: expected 12 bytes of pixels for [3, 2, 2], found"
                                + " only 7");
    }

    @Test
    void rejectsTruncatedGzipStream() throws IOException {
        byte[] gz = gzip(images(50, 28, 28));
        Path file = write("i.gz", Arrays.copyOf(gz, gz.length / 2));

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ": truncated gzip stream");
    }

    @Test
    void rejectsCorruptGzipStream() throws IOException {
        byte[] gz = gzip(images(50, 28, 28));
        for (int i = 20; i < 60; i++) {
            gz[i] ^= 0x5a;
        }
        Path file = write("i.gz", gz);

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining("gzip");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsHostileHeaderWithoutAllocatingIt(boolean gzipped) throws IOException {
        // 4 * 10^11 bytes declared, a few bytes given.
        byte[] hostile = idx(Idx.IMAGES_MAGIC, new int[] {10_000_000, 200, 200}, new byte[8]);
        Path file = write("i", gzipped ? gzip(hostile) : hostile);

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(
                        file
                                + ": header declares images of more than 1073741824"
                                + " bytes (the limit)");
    }

    @Test
    void rejectsHugeGzipHeaderUnderTheLimitOnTheShortData() throws IOException {
        // 1 GB declared (under the limit), 8 bytes given: must fail on the data, not allocate 1 GB.
        Path file =
                write("i", gzip(idx(Idx.IMAGES_MAGIC, new int[] {25_000, 200, 200}, new byte[8])));

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        file
                                + ": truncated: expected 1000000000 bytes of pixels for"
                                + " [25000, 200, 200], found only 8");
    }

    @Test
    void rejectsALabelBombBeforeAllocating() throws IOException {
        // 2^30 labels declared in a 1 MB gzip of zeros once ended in an OutOfMemoryError.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes)) {
            gz.write(idx(Idx.LABELS_MAGIC, new int[] {1 << 30}, new byte[0]));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                gz.write(zeros);
            }
        }
        Path file = write("l.gz", bytes.toByteArray());
        assertThatThrownBy(() -> Idx.readLabels(file, 10))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ": header declares 1073741824 labels, more than the limit of 16777216 (a corrupt or"
                        + " hostile file?)");
    }

    @Test
    void rejectsBytesAfterTheGzipStream() throws IOException {
        // The JDK's GZIPInputStream ignores them; Python's gzip module refuses them.
        byte[] gz = gzip(images(3, 2, 2));
        byte[] withGarbage = Arrays.copyOf(gz, gz.length + 5);
        System.arraycopy("junk!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, withGarbage, gz.length, 5);
        Path file = write("g.gz", withGarbage);
        assertThatThrownBy(() -> Idx.readImages(file)).isInstanceOf(DatasetException.class)
                .hasMessage(file + ": data follows the gzip stream (trailing bytes, or a second gzip member): expected"
                        + " the file to end with the stream's trailer");
    }

    @Test
    void rejectsZeroSizedImages() throws IOException {
        Path file = write("i", idx(Idx.IMAGES_MAGIC, new int[] {5, 0, 28}, new byte[0]));

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ": image dimensions must be positive, found 0x28");
    }

    @Test
    void rejectsLabelOutOfRange() throws IOException {
        Path file = write("train-labels-idx1-ubyte", labels(3, 12, 4));

        assertThatThrownBy(() -> Idx.readLabels(file, 10))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ": label 12 at index 1 is out of range 0..9");
    }

    @Test
    void rejectsMissingFile() {
        Path file = dir.resolve("nope-idx3-ubyte");

        assertThatThrownBy(() -> Idx.readImages(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ": file not found");
    }
}
