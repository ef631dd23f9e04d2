package org.visionzoo.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CIFAR-10 and CIFAR-100, binary version, from the <a
 * href="https://www.cs.toronto.edu/~kriz/cifar.html">official distribution</a>: either the unpacked
 * folder ({@code cifar-10-batches-bin/}, {@code cifar-100-binary/}) or the archive itself ({@code
 * cifar-10-binary.tar.gz}, {@code cifar-100-binary.tar.gz}), read as a stream without unpacking it.
 *
 * <p>A CIFAR-10 record is one label byte and 3072 pixel bytes (3x32x32, {@code CHW}); a CIFAR-100
 * record is a coarse label byte, a fine label byte and 3072 pixel bytes. Files are untrusted: a
 * length that is not a whole number of records or a label out of range fails with a {@link
 * DatasetException} naming the file (for an archive, {@code archive!entry}).
 */
public enum Cifar {
    /** CIFAR-10: 10 classes; train is {@code data_batch_1.bin} to {@code data_batch_5.bin}. */
    CIFAR_10(
            "cifar-10",
            "cifar-10-batches-bin",
            "cifar-10-binary.tar.gz",
            List.of(
                    "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                    "data_batch_5.bin"),
            "test_batch.bin",
            "batches.meta.txt",
            null,
            List.of(
                    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                    "ship", "truck"),
            List.of()),

    /**
     * CIFAR-100: 100 fine classes grouped into 20 coarse ones; {@code train.bin}, {@code test.bin}.
     */
    CIFAR_100(
            "cifar-100",
            "cifar-100-binary",
            "cifar-100-binary.tar.gz",
            List.of("train.bin"),
            "test.bin",
            "fine_label_names.txt",
            "coarse_label_names.txt",
            List.of(
                    "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle",
                    "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel",
                    "can", "castle", "caterpillar", "cattle", "chair", "chimpanzee", "clock",
                    "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
                    "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house",
                    "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard",
                    "lobster", "man", "maple_tree", "motorcycle", "mountain", "mouse", "mushroom",
                    "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck",
                    "pine_tree", "plain", "plate", "poppy", "porcupine", "possum", "rabbit",
                    "raccoon", "ray", "road", "rocket", "rose", "sea", "seal", "shark", "shrew",
                    "skunk", "skyscraper", "snail", "snake", "spider", "squirrel", "streetcar",
                    "sunflower", "sweet_pepper", "table", "tank", "telephone", "television",
                    "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe", "whale",
                    "willow_tree", "wolf", "woman", "worm"),
            List.of(
                    "aquatic_mammals", "fish", "flowers", "food_containers",
                    "fruit_and_vegetables", "household_electrical_devices", "household_furniture",
                    "insects", "large_carnivores", "large_man-made_outdoor_things",
                    "large_natural_outdoor_scenes", "large_omnivores_and_herbivores",
                    "medium_mammals", "non-insect_invertebrates", "people", "reptiles",
                    "small_mammals", "trees", "vehicles_1", "vehicles_2"));

    /** Which label of a CIFAR-100 record to use; CIFAR-10 has only {@link #FINE}. */
    public enum Labels {
        /** The class: CIFAR-10's 10, CIFAR-100's 100. */
        FINE,
        /** CIFAR-100's 20 superclasses. */
        COARSE
    }

    /** Channels, rows and columns of every image. */
    public static final int CHANNELS = 3;

    /** Rows and columns of every image. */
    public static final int SIZE = 32;

    private static final int PIXELS = CHANNELS * SIZE * SIZE;

    private final String id;
    private final String folder;
    private final String archive;
    private final List<String> trainFiles;
    private final String testFile;
    private final String fineNamesFile;
    private final String coarseNamesFile;
    private final List<String> fineNames;
    private final List<String> coarseNames;
    private final DatasetLocator.Source source;

    Cifar(
            String id,
            String folder,
            String archive,
            List<String> trainFiles,
            String testFile,
            String fineNamesFile,
            String coarseNamesFile,
            List<String> fineNames,
            List<String> coarseNames) {
        this.id = id;
        this.folder = folder;
        this.archive = archive;
        this.trainFiles = trainFiles;
        this.testFile = testFile;
        this.fineNamesFile = fineNamesFile;
        this.coarseNamesFile = coarseNamesFile;
        this.fineNames = fineNames;
        this.coarseNames = coarseNames;
        this.source =
                new DatasetLocator.Source(
                        id,
                        List.of(folder, archive, testFile),
                        null,
                        "https://www.cs.toronto.edu/~kriz/" + archive);
    }

    /**
     * Returns the dataset's short name, also the name of its folder in the cache: {@code cifar-10}
     * or {@code cifar-100}.
     *
     * @return the name
     */
    public String id() {
        return id;
    }

    /**
     * Returns the bytes of one record: the label bytes and 3072 pixel bytes.
     *
     * @return 3073 for CIFAR-10, 3074 for CIFAR-100
     */
    public int recordBytes() {
        return labelBytes() + PIXELS;
    }

    /**
     * Returns the built-in class names, used when the distribution's names file is absent.
     *
     * @param labels which labels
     * @return an unmodifiable list
     * @throws IllegalArgumentException for coarse labels of CIFAR-10
     */
    public List<String> classNames(Labels labels) {
        checkLabels(labels);
        return labels == Labels.FINE ? fineNames : coarseNames;
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
     * Reads one split with its fine labels; see {@link #load(Path, Split, Labels)}.
     *
     * @param path the archive, the unpacked folder, or a folder holding either
     * @param split which split
     * @return the images ({@code 3x32x32}, {@code CHW}) and labels
     * @throws DatasetException if a file is missing or malformed or a label is out of range
     * @throws IOException if reading fails
     */
    public ImageDataset load(Path path, Split split) throws IOException {
        return load(path, split, Labels.FINE);
    }

    /**
     * Reads one split.
     *
     * <p>{@code path} may be the archive ({@code cifar-10-binary.tar.gz}; gzip is detected by its
     * magic, a plain tar works too), the unpacked folder ({@code cifar-10-batches-bin}), or a
     * folder holding either (the unpacked folder first). Class names come from the distribution's
     * names file ({@code batches.meta.txt}, {@code fine_label_names.txt}, {@code
     * coarse_label_names.txt}) when present, else from {@link #classNames(Labels)}.
     *
     * @param path the archive, the unpacked folder, or a folder holding either
     * @param split which split
     * @param labels which labels to use (both are checked)
     * @return the images ({@code 3x32x32}, {@code CHW}) and labels
     * @throws DatasetException if a file is missing or malformed or a label is out of range
     * @throws IOException if reading fails
     * @throws IllegalArgumentException for coarse labels of CIFAR-10
     */
    public ImageDataset load(Path path, Split split, Labels labels) throws IOException {
        checkLabels(labels);
        List<String> files = split == Split.TRAIN ? trainFiles : List.of(testFile);
        String namesFile = labels == Labels.FINE ? fineNamesFile : coarseNamesFile;
        Map<String, Part> parts;
        if (Files.isRegularFile(path)) {
            parts = readArchive(path, files, namesFile);
        } else if (Files.isDirectory(path)) {
            Path dir = path;
            if (!Files.exists(dir.resolve(files.get(0)))) {
                if (Files.isDirectory(dir.resolve(folder))) {
                    dir = dir.resolve(folder);
                } else if (Files.isRegularFile(dir.resolve(archive))) {
                    return load(dir.resolve(archive), split, labels);
                } else {
                    throw new DatasetException(
                            path,
                            "expected "
                                    + files.get(0)
                                    + ", a folder "
                                    + folder
                                    + " or the archive "
                                    + archive
                                    + ", found none of them");
                }
            }
            parts = readFolder(dir, files);
            Path namesPath = dir.resolve(namesFile);
            if (Files.isRegularFile(namesPath)) {
                parts.put(namesFile, new Part(namesPath.toString(), readNames(namesPath)));
            }
        } else {
            throw new DatasetException(
                    path,
                    "expected the archive "
                            + archive
                            + " or a folder with the dataset, found"
                            + " none");
        }
        Part names = parts.get(namesFile);
        List<String> classNames =
                names == null
                        ? classNames(labels)
                        : parseNames(names.data, names.source, classNames(labels).size());
        return decode(files, parts, split, labels, classNames);
    }

    /** The bytes of one file or archive entry, and its name for messages. */
    private record Part(String source, byte[] data) {}

    private Map<String, Part> readFolder(Path dir, List<String> files) throws IOException {
        Map<String, Part> parts = new HashMap<>();
        long total = 0;
        for (String name : files) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new DatasetException(file, "file not found");
            }
            long size = Files.size(file);
            checkLength(file.toString(), size);
            total += size;
            if (total > Streams.MAX_BYTES) {
                throw new DatasetException(
                        dir, "the split takes over " + Streams.MAX_BYTES + " bytes (the limit)");
            }
        }
        for (String name : files) {
            Path file = dir.resolve(name);
            try (InputStream in = Files.newInputStream(file)) {
                byte[] data = Streams.readExactly(in, Files.size(file), file.toString(), "records");
                parts.put(name, new Part(file.toString(), data));
            }
        }
        return parts;
    }

    private static byte[] readNames(Path file) throws IOException {
        if (Files.size(file) > 1 << 20) {
            throw new DatasetException(
                    file,
                    "expected a short list of class names, found " + Files.size(file) + " bytes");
        }
        return Files.readAllBytes(file);
    }

    /** Reads the wanted entries of the archive (the whole archive, to refuse a second copy). */
    private Map<String, Part> readArchive(Path file, List<String> files, String namesFile)
            throws IOException {
        List<String> wanted = new ArrayList<>(files);
        wanted.add(namesFile);
        return Streams.read(
                file,
                (in, gzipped) -> {
                    Map<String, Part> parts = new HashMap<>();
                    Tar tar = new Tar(in, file.toString());
                    long total = 0;
                    for (Tar.Entry e = tar.next(); e != null; e = tar.next()) {
                        // Only files in the distribution's folder (<folder>/<name>, at any depth of a
                        // repacked archive): a file of that name elsewhere is not part of it.
                        String path = "/" + e.name();
                        String base = path.substring(path.lastIndexOf('/') + 1);
                        if (!wanted.contains(base) || !path.endsWith("/" + folder + "/" + base)) {
                            continue;
                        }
                        String source = file + "!" + e.name();
                        if (parts.containsKey(base)) {
                            // tar would keep the last copy, a reader stopping early the first:
                            // an archive that can be read two ways is refused
                            throw new DatasetException(source, "the entry appears twice in the archive");
                        }
                        if (base.equals(namesFile)) {
                            if (e.size() > 1 << 20) {
                                throw new DatasetException(
                                        source,
                                        "expected a short list of class names, found "
                                                + e.size()
                                                + " bytes");
                            }
                        } else {
                            checkLength(source, e.size());
                            total += e.size();
                            if (total > Streams.MAX_BYTES) {
                                throw new DatasetException(
                                        source,
                                        "the split takes over "
                                                + Streams.MAX_BYTES
                                                + " bytes (the limit)");
                            }
                        }
                        parts.put(base, new Part(source, tar.readContent(source)));
                    }
                    for (String name : files) {
                        if (!parts.containsKey(name)) {
                            throw new DatasetException(
                                    file.toString(),
                                    "expected the entry "
                                            + folder
                                            + "/"
                                            + name
                                            + ", not found in the archive");
                        }
                    }
                    return parts;
                });
    }

    private void checkLength(String source, long size) throws DatasetException {
        if (size == 0 || size % recordBytes() != 0) {
            throw new DatasetException(
                    source,
                    "expected a whole number of "
                            + recordBytes()
                            + "-byte records ("
                            + labelBytes()
                            + " label byte"
                            + (labelBytes() > 1 ? "s" : "")
                            + " + "
                            + PIXELS
                            + " pixels), found "
                            + size
                            + " bytes");
        }
    }

    private ImageDataset decode(
            List<String> files,
            Map<String, Part> parts,
            Split split,
            Labels labels,
            List<String> classNames)
            throws DatasetException {
        int record = recordBytes();
        int count = 0;
        for (String name : files) {
            count += parts.get(name).data.length / record;
        }
        byte[] pixels = new byte[count * PIXELS];
        int[] out = new int[count];
        int i = 0;
        for (String name : files) {
            Part part = parts.get(name);
            byte[] data = part.data;
            for (int r = 0; r < data.length / record; r++, i++) {
                int at = r * record;
                if (labelBytes() == 2) {
                    checkLabel(part, r, data[at] & 0xFF, coarseNames.size(), "coarse label");
                    checkLabel(part, r, data[at + 1] & 0xFF, fineNames.size(), "fine label");
                    out[i] = labels == Labels.COARSE ? data[at] & 0xFF : data[at + 1] & 0xFF;
                } else {
                    checkLabel(part, r, data[at] & 0xFF, fineNames.size(), "label");
                    out[i] = data[at] & 0xFF;
                }
                System.arraycopy(data, at + labelBytes(), pixels, i * PIXELS, PIXELS);
            }
        }
        return new ImageDataset(
                id
                        + "/"
                        + split.name().toLowerCase(Locale.ROOT)
                        + (labels == Labels.COARSE ? "/coarse" : ""),
                CHANNELS,
                SIZE,
                SIZE,
                ImageDataset.Layout.CHW,
                pixels,
                out,
                classNames);
    }

    private static void checkLabel(Part part, int record, int label, int classes, String what)
            throws DatasetException {
        if (label >= classes) {
            throw new DatasetException(
                    part.source,
                    what
                            + " "
                            + label
                            + " of record "
                            + record
                            + " is out of range 0.."
                            + (classes - 1));
        }
    }

    private static List<String> parseNames(byte[] bytes, String source, int expected)
            throws DatasetException {
        List<String> names = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\\R")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.size() != expected) {
            throw new DatasetException(
                    source,
                    "expected " + expected + " class names, one per line, found " + names.size());
        }
        return List.copyOf(names);
    }

    private int labelBytes() {
        return coarseNamesFile == null ? 1 : 2;
    }

    private void checkLabels(Labels labels) {
        if (labels == Labels.COARSE && coarseNamesFile == null) {
            throw new IllegalArgumentException(id + " has no coarse labels");
        }
    }
}
