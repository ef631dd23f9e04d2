package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.visionzoo.training.data.DataFiles.cifarRecord;
import static org.visionzoo.training.data.DataFiles.concat;
import static org.visionzoo.training.data.DataFiles.gzip;
import static org.visionzoo.training.data.DataFiles.pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

class CifarTest {

    private static final String META = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n";

    @TempDir Path dir;

    /** CIFAR-10 files: batch b holds records with labels b and b+1, pixels seeded 10b and 10b+1. */
    private static Map<String, byte[]> cifar10Files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int b = 1; b <= 5; b++) {
            files.put(
                    "data_batch_" + b + ".bin",
                    concat(cifarRecord(10 * b, b), cifarRecord(10 * b + 1, b + 1)));
        }
        files.put(
                "test_batch.bin", concat(cifarRecord(7, 0), cifarRecord(8, 9), cifarRecord(9, 3)));
        files.put("batches.meta.txt", META.getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private static Map<String, byte[]> cifar100Files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("train.bin", concat(cifarRecord(1, 19, 99), cifarRecord(2, 0, 0)));
        files.put("test.bin", cifarRecord(3, 4, 55));
        return files;
    }

    private Path writeFolder(String name, Map<String, byte[]> files) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(folder.resolve(e.getKey()), e.getValue());
        }
        return folder;
    }

    /** The archive, entries in reverse order, with a directory entry first. */
    private static byte[] tar(String folder, Map<String, byte[]> files) {
        DataFiles.TarWriter tar = new DataFiles.TarWriter().dir(folder + "/");
        String[] names = files.keySet().toArray(new String[0]);
        for (int i = names.length - 1; i >= 0; i--) {
            tar.file(folder + "/" + names[i], files.get(names[i]));
        }
        return tar.finish();
    }

    private static void assertCifar10Train(ImageDataset train) {
        assertThat(train.name()).isEqualTo("cifar-10/train");
        assertThat(train.size()).isEqualTo(10);
        assertThat(train.channels()).isEqualTo(3);
        assertThat(train.height()).isEqualTo(32);
        assertThat(train.width()).isEqualTo(32);
        assertThat(train.layout()).isEqualTo(ImageDataset.Layout.CHW);
        assertThat(train.labels()).containsExactly(1, 2, 2, 3, 3, 4, 4, 5, 5, 6);
        assertThat(train.image(0)).isEqualTo(pattern(3072, 10));
        assertThat(train.image(9)).isEqualTo(pattern(3072, 51));
        assertThat(train.classNames())
                .containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    }

    @Test
    void loadsCifar10FromTheUnpackedFolderOrItsParent() throws IOException {
        Path folder = writeFolder("cifar-10-batches-bin", cifar10Files());

        assertCifar10Train(Cifar.CIFAR_10.load(folder, Split.TRAIN));
        assertCifar10Train(Cifar.CIFAR_10.load(dir, Split.TRAIN));
        ImageDataset test = Cifar.CIFAR_10.load(dir, Split.TEST);
        assertThat(test.labels()).containsExactly(0, 9, 3);
        assertThat(test.image(2)).isEqualTo(pattern(3072, 9));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void loadsCifar10FromTheArchiveGzippedOrNot(boolean gzipped) throws IOException {
        byte[] tar = tar("cifar-10-batches-bin", cifar10Files());
        Path archive =
                Files.write(dir.resolve("cifar-10-binary.tar.gz"), gzipped ? gzip(tar) : tar);

        assertCifar10Train(Cifar.CIFAR_10.load(archive, Split.TRAIN));
        assertCifar10Train(Cifar.CIFAR_10.load(dir, Split.TRAIN));
        assertThat(Cifar.CIFAR_10.load(archive, Split.TEST).labels()).containsExactly(0, 9, 3);
    }

    @Test
    void readsGnuLongNamesInTheArchive() throws IOException {
        String folder = "x".repeat(120) + "/cifar-10-batches-bin";
        Path archive = Files.write(dir.resolve("c.tar.gz"), gzip(tar(folder, cifar10Files())));

        assertCifar10Train(Cifar.CIFAR_10.load(archive, Split.TRAIN));
    }

    @Test
    void usesBuiltInNamesWithoutTheMetaFile() throws IOException {
        Map<String, byte[]> files = cifar10Files();
        files.remove("batches.meta.txt");
        writeFolder("cifar-10-batches-bin", files);

        ImageDataset test = Cifar.CIFAR_10.load(dir, Split.TEST);

        assertThat(test.classNames()).startsWith("airplane", "automobile").endsWith("truck");
    }

    @Test
    void loadsCifar100FineAndCoarseFromFolderAndArchive() throws IOException {
        Path folder = writeFolder("cifar-100-binary", cifar100Files());
        Path archive =
                Files.write(
                        dir.resolve("cifar-100-binary.tar.gz"),
                        gzip(tar("cifar-100-binary", cifar100Files())));

        for (Path path : new Path[] {folder, archive}) {
            ImageDataset fine = Cifar.CIFAR_100.load(path, Split.TRAIN);
            ImageDataset coarse = Cifar.CIFAR_100.load(path, Split.TRAIN, Cifar.Labels.COARSE);
            assertThat(fine.labels()).containsExactly(99, 0);
            assertThat(fine.classNames()).hasSize(100).startsWith("apple").endsWith("worm");
            assertThat(fine.classNames().get(99)).isEqualTo("worm");
            assertThat(coarse.name()).isEqualTo("cifar-100/train/coarse");
            assertThat(coarse.labels()).containsExactly(19, 0);
            assertThat(coarse.classNames()).hasSize(20).endsWith("vehicles_2");
            assertThat(fine.image(1)).isEqualTo(pattern(3072, 2));
            ImageDataset test = Cifar.CIFAR_100.load(path, Split.TEST);
            assertThat(test.labels()).containsExactly(55);
            assertThat(test.image(0)).isEqualTo(pattern(3072, 3));
        }
        assertThat(Cifar.CIFAR_100.recordBytes()).isEqualTo(3074);
        assertThat(Cifar.CIFAR_10.recordBytes()).isEqualTo(3073);
    }

    @Test
    void refusesCoarseLabelsForCifar10() {
        assertThatThrownBy(() -> Cifar.CIFAR_10.load(dir, Split.TEST, Cifar.Labels.COARSE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cifar-10 has no coarse labels");
    }

    @Test
    void rejectsBadRecordLengthInFolder() throws IOException {
        Map<String, byte[]> files = cifar10Files();
        files.put("test_batch.bin", concat(cifarRecord(1, 2), new byte[1]));
        Path folder = writeFolder("cifar-10-batches-bin", files);

        assertThatThrownBy(() -> Cifar.CIFAR_10.load(dir, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        folder.resolve("test_batch.bin")
                                + ": expected a whole number of 3073-byte records (1 label byte +"
                                + " 3072 pixels), found 3074 bytes");
    }

    @Test
    void rejectsBadRecordLengthInArchive() throws IOException {
        Map<String, byte[]> files = cifar100Files();
        files.put("train.bin", cifarRecord(1, 2));
        Path archive = Files.write(dir.resolve("c100.tgz"), gzip(tar("cifar-100-binary", files)));

        assertThatThrownBy(() -> Cifar.CIFAR_100.load(archive, Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        archive
                                + "!cifar-100-binary/train.bin: expected a whole number of"
                                + " 3074-byte records (2 label bytes + 3072 pixels), found 3073"
                                + " bytes");
    }

    @Test
    void rejectsCifar10LabelOutOfRange() throws IOException {
        Map<String, byte[]> files = cifar10Files();
        files.put("data_batch_4.bin", concat(cifarRecord(1, 2), cifarRecord(1, 10)));
        Path folder = writeFolder("cifar-10-batches-bin", files);

        assertThatThrownBy(() -> Cifar.CIFAR_10.load(folder, Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        folder.resolve("data_batch_4.bin")
                                + ": label 10 of record 1 is out of range 0..9");
    }

    @Test
    void rejectsCifar100FineLabelOutOfRangeInArchive() throws IOException {
        Map<String, byte[]> files = cifar100Files();
        files.put("test.bin", concat(cifarRecord(1, 2, 3), cifarRecord(1, 2, 100)));
        Path archive = Files.write(dir.resolve("c.tar.gz"), gzip(tar("cifar-100-binary", files)));

        assertThatThrownBy(() -> Cifar.CIFAR_100.load(archive, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        archive
                                + "!cifar-100-binary/test.bin: fine label 100 of record 1 is"
                                + " out of range 0..99");
    }

    @Test
    void rejectsCifar100CoarseLabelOutOfRangeEvenForFineLabels() throws IOException {
        Map<String, byte[]> files = cifar100Files();
        files.put("test.bin", cifarRecord(1, 20, 3));
        Path folder = writeFolder("cifar-100-binary", files);

        assertThatThrownBy(() -> Cifar.CIFAR_100.load(folder, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        folder.resolve("test.bin")
                                + ": coarse label 20 of record 0 is out of range 0..19");
    }

    @Test
    void rejectsMissingBatchInFolder() throws IOException {
        Map<String, byte[]> files = cifar10Files();
        files.remove("data_batch_3.bin");
        Path folder = writeFolder("cifar-10-batches-bin", files);

        assertThatThrownBy(() -> Cifar.CIFAR_10.load(folder, Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessage(folder.resolve("data_batch_3.bin") + ": file not found");
    }

    @Test
    void aBatchOutsideTheDistributionsFolderIsNotPartOfTheDataset() throws IOException {
        Map<String, byte[]> files = cifar10Files();
        byte[] stray = files.remove("data_batch_3.bin");
        DataFiles.TarWriter tar = new DataFiles.TarWriter();
        files.forEach((name, data) -> tar.file("cifar-10-batches-bin/" + name, data));
        tar.file("elsewhere/data_batch_3.bin", stray);
        Path archive = Files.write(dir.resolve("c.tar"), tar.finish());

        assertThatThrownBy(() -> Cifar.CIFAR_10.load(archive, Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("expected the entry cifar-10-batches-bin/data_batch_3.bin, not found");
    }

    @Test
    void anEntryThatAppearsTwiceIsRefused() throws IOException {
        // tar keeps the last copy, a reader stopping at the first would keep that one
        DataFiles.TarWriter tar = new DataFiles.TarWriter();
        cifar10Files().forEach((name, data) -> tar.file("cifar-10-batches-bin/" + name, data));
        tar.file("cifar-10-batches-bin/data_batch_2.bin", concat(cifarRecord(99, 7), cifarRecord(98, 7)));
        Path archive = Files.write(dir.resolve("c.tar"), tar.finish());

        assertThatThrownBy(() -> Cifar.CIFAR_10.load(archive, Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessage(archive + "!cifar-10-batches-bin/data_batch_2.bin: the entry appears twice in the archive");
    }

    @Test
    void bytesAfterTheGzipStreamAreRefused() throws IOException {
        byte[] gz = gzip(tar("cifar-10-batches-bin", cifar10Files()));
        byte[] junk = java.util.Arrays.copyOf(gz, gz.length + 3);
        Path archive = Files.write(dir.resolve("c.tar.gz"), junk);

        assertThatThrownBy(() -> Cifar.CIFAR_10.load(archive, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("data follows the gzip stream");
    }

    @Test
    void rejectsMissingEntryInArchive() throws IOException {
        Map<String, byte[]> files = cifar10Files();
        files.remove("data_batch_3.bin");
        Path archive =
                Files.write(dir.resolve("c.tar.gz"), gzip(tar("cifar-10-batches-bin", files)));

        assertThatThrownBy(() -> Cifar.CIFAR_10.load(archive, Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        archive
                                + ": expected the entry cifar-10-batches-bin/data_batch_3.bin,"
                                + " not found in the archive");
    }

    @Test
    void rejectsFolderWithoutTheDataset() {
        assertThatThrownBy(() -> Cifar.CIFAR_10.load(dir, Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        dir
                                + ": expected data_batch_1.bin, a folder cifar-10-batches-bin or"
                                + " the archive cifar-10-binary.tar.gz, found none of them");
    }

    @Test
    void rejectsMissingPath() {
        Path missing = dir.resolve("cifar-10-binary.tar.gz");

        assertThatThrownBy(() -> Cifar.CIFAR_10.load(missing, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        missing
                                + ": expected the archive cifar-10-binary.tar.gz or a folder with"
                                + " the dataset, found none");
    }

    @Test
    void rejectsWrongNumberOfClassNames() throws IOException {
        Map<String, byte[]> files = cifar10Files();
        files.put("batches.meta.txt", "a\nb\n".getBytes(StandardCharsets.UTF_8));
        Path folder = writeFolder("cifar-10-batches-bin", files);

        assertThatThrownBy(() -> Cifar.CIFAR_10.load(folder, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        folder.resolve("batches.meta.txt")
                                + ": expected 10 class names, one per line, found 2");
    }

    @Test
    void rejectsTarHeaderWithBadChecksum() throws IOException {
        byte[] tar = tar("cifar-100-binary", cifar100Files());
        tar[512 + 10] ^= 1; // the name of the second header
        Path archive = Files.write(dir.resolve("c.tar.gz"), gzip(tar));

        assertThatThrownBy(() -> Cifar.CIFAR_100.load(archive, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(archive + ": tar header at offset 512: header checksum is")
                .hasMessageContaining("not a tar archive, or a corrupt one");
    }

    @Test
    void rejectsNotATarArchive() throws IOException {
        Path archive = Files.write(dir.resolve("c.tar.gz"), gzip(pattern(2000, 1)));

        assertThatThrownBy(() -> Cifar.CIFAR_100.load(archive, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(archive + ": tar header at offset 0: ");
    }

    @Test
    void rejectsTruncatedArchive() throws IOException {
        byte[] tar = tar("cifar-100-binary", cifar100Files());
        // Header of test.bin (reverse order: test.bin comes first after the directory), cut in it.
        Path archive = Files.write(dir.resolve("c.tar.gz"), gzip(Arrays.copyOf(tar, 1024 + 1000)));

        assertThatThrownBy(() -> Cifar.CIFAR_100.load(archive, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        archive
                                + "!cifar-100-binary/test.bin: truncated: expected 3074"
                                + " bytes of entry data, found only 1000");
    }

    @Test
    void rejectsHugeEntryWithoutAllocatingIt() throws IOException {
        byte[] tar =
                new DataFiles.TarWriter()
                        .header("cifar-100-binary/test.bin", 3074L * 1_000_000, '0')
                        .body(new byte[3074])
                        .finish();
        Path archive = Files.write(dir.resolve("c.tar.gz"), gzip(tar));

        assertThatThrownBy(() -> Cifar.CIFAR_100.load(archive, Split.TEST))
                .isInstanceOf(DatasetException.class)
                .hasMessage(
                        archive
                                + "!cifar-100-binary/test.bin: the split takes over"
                                + " 1073741824 bytes (the limit)");
    }
}
