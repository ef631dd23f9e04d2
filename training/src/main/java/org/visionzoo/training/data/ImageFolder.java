package org.visionzoo.training.data;

import org.visionzoo.training.transform.Image;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;


/**
 * A dataset of image files, one sub-folder per class, like torchvision's {@code ImageFolder}.
 *
 * <p>The class names are the names of the root's sub-folders, sorted (by {@link
 * String#compareTo}); the label of an image is the index of its class in that list. Every file
 * under a class folder (sub-folders included, searched depth first, names sorted, a folder's own
 * files before those of its sub-folders) whose extension is one of {@link #EXTENSIONS}, in any
 * case, is an image; other files are ignored, and so are hidden files and folders (names starting
 * with a dot, or hidden for the file system). Symbolic links are followed when they stay inside
 * their class folder (a class folder may itself be a link), each folder searched once; a link out
 * of its class folder is skipped with a warning, since it would file another folder's images under
 * this class.
 *
 * <p>Files are decoded by {@link ImageDecoder} on each {@link #load(int)}, never up front, and
 * delivered at their own size as floats in {@code [0, 1]} with {@link Options#channels()}
 * channels; an image of more than {@link Options#maxImagePixels()} pixels is undecodable.
 *
 * <p>A file that cannot be decoded fails {@link #load(int)} with a {@link DatasetException} naming
 * it, unless {@link Options#skipUndecodable(boolean)} is set: then {@code load} logs a warning (once
 * per file, through {@link System.Logger}), counts the file in {@link #skippedCount()}, and returns
 * instead the next decodable image of the same class, in file order, wrapping around to the
 * class's first file after its last. Empty files are found when the folder is opened: without the
 * option, {@link #open} fails on them; with it, they are skipped from the start.
 *
 * <p>An instance is immutable apart from its record of skipped files, and safe to read from
 * several threads at once.
 */
public final class ImageFolder implements LabeledImages {

    /**
     * The file extensions read as images, lower case, without the dot: those the JDK's {@code
     * javax.imageio} decodes. The list is fixed (not taken from the installed plug-ins) so the same
     * folder gives the same dataset everywhere.
     */
    public static final List<String> EXTENSIONS =
            List.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff");

    /** The sub-folder names {@link #splits} takes for a ready-made validation split, in order. */
    public static final List<String> VAL_FOLDERS = List.of("val", "test");

    private static final System.Logger LOG = System.getLogger(ImageFolder.class.getName());

    /** Options for opening a folder; immutable, each setter returns a changed copy. */
    public static final class Options {

        private static final Options DEFAULTS = new Options(3, false, ImageDecoder.DEFAULT_MAX_PIXELS);

        private final int channels;
        private final boolean skipUndecodable;
        private final long maxImagePixels;

        private Options(int channels, boolean skipUndecodable, long maxImagePixels) {
            this.channels = channels;
            this.skipUndecodable = skipUndecodable;
            this.maxImagePixels = maxImagePixels;
        }

        /**
         * Returns the defaults: 3 channels, undecodable files are errors.
         *
         * @return the default options
         */
        public static Options defaults() {
            return DEFAULTS;
        }

        /**
         * Returns a copy that delivers images with the given channels.
         *
         * @param channels 1 (grayscale) or 3 (RGB)
         * @return the changed copy
         * @throws IllegalArgumentException if {@code channels} is not 1 or 3
         */
        public Options channels(int channels) {
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
            }
            return new Options(channels, skipUndecodable, maxImagePixels);
        }

        /**
         * Returns a copy that skips undecodable files (see {@link ImageFolder}) or fails on them.
         *
         * @param skip whether to skip undecodable files
         * @return the changed copy
         */
        public Options skipUndecodable(boolean skip) {
            return new Options(channels, skip, maxImagePixels);
        }

        /**
         * Returns a copy that refuses images of more pixels (see {@link ImageDecoder}); such an
         * image is undecodable, so {@link #skipUndecodable(boolean)} skips it too.
         *
         * @param pixels the largest width times height accepted, {@code > 0} (default {@value
         *     ImageDecoder#DEFAULT_MAX_PIXELS}, Pillow's)
         * @return the changed copy
         * @throws IllegalArgumentException if {@code pixels <= 0}
         */
        public Options maxImagePixels(long pixels) {
            return new Options(channels, skipUndecodable, new ImageDecoder(pixels).maxPixels());
        }

        /**
         * Returns the largest image accepted, in pixels.
         *
         * @return width times height
         */
        public long maxImagePixels() {
            return maxImagePixels;
        }

        /**
         * Returns the channels images are delivered with.
         *
         * @return 1 or 3
         */
        public int channels() {
            return channels;
        }

        /**
         * Returns whether undecodable files are skipped.
         *
         * @return {@code true} if they are replaced by another image of their class
         */
        public boolean skipUndecodable() {
            return skipUndecodable;
        }

        @Override
        public String toString() {
            return "Options[channels=" + channels + ", skipUndecodable=" + skipUndecodable
                    + ", maxImagePixels=" + maxImagePixels + "]";
        }
    }

    /**
     * A training and a validation part of a folder.
     *
     * @param train the training images
     * @param val the validation images, with the same classes
     */
    public record Splits(ImageFolder train, ImageFolder val) {

        /**
         * Checks the components.
         *
         * @param train the training images
         * @param val the validation images
         */
        public Splits {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(val, "val");
        }
    }

    private final String name;
    private final Path root;
    private final List<String> classNames;
    private final Options options;
    private final Path[] files;
    private final int[] labels;
    /** Index of the first file of each class; {@code classStart[numClasses] == size()}. */
    private final int[] classStart;
    /** Indices of files found undecodable, each warned about once. */
    private final Set<Integer> skipped = ConcurrentHashMap.newKeySet();

    private ImageFolder(
            String name,
            Path root,
            List<String> classNames,
            List<List<Path>> filesByClass,
            Options options) {
        this.name = name;
        this.root = root;
        this.classNames = List.copyOf(classNames);
        this.options = options;
        int n = 0;
        for (List<Path> c : filesByClass) {
            n += c.size();
        }
        this.files = new Path[n];
        this.labels = new int[n];
        this.classStart = new int[filesByClass.size() + 1];
        int i = 0;
        for (int c = 0; c < filesByClass.size(); c++) {
            classStart[c] = i;
            for (Path file : filesByClass.get(c)) {
                files[i] = file;
                labels[i] = c;
                i++;
            }
        }
        classStart[filesByClass.size()] = n;
    }

    /**
     * Opens a folder with one sub-folder per class.
     *
     * @param root the folder
     * @param options channels and the handling of undecodable files
     * @return the dataset, named after the folder
     * @throws DatasetException if {@code root} is not a folder, has no class folder, a class
     *     folder has no image file, or an image file is empty (unless skipped, and then if all of
     *     a class's files are empty)
     * @throws IOException if listing a folder fails
     */
    public static ImageFolder open(Path root, Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        FolderScan scan = FolderScan.scan(root);
        return create(String.valueOf(root.getFileName()), root, scan.classNames(), scan.files(), options);
    }

    /**
     * Opens a folder and splits it into training and validation images.
     *
     * <p>If {@code root} has a {@code train} sub-folder and a {@code val} (or else {@code test})
     * sub-folder, each is opened as by {@link #open} and they must have the same classes; {@code
     * valFraction} and {@code seed} are then not used. Otherwise {@code root} itself is opened and
     * each class's files are split apart: the class's files are shuffled with a generator seeded
     * from {@code seed} and the class name, {@code round(n * valFraction)} of them (at most {@code
     * n - 1}, so each class keeps a training image) go to validation, and both parts keep the
     * files' order. The split depends only on the seed, the class names and the file names.
     *
     * @param root the folder
     * @param valFraction the part of each class to use for validation, in {@code (0, 1)}
     * @param seed the seed of the shuffle
     * @param options channels and the handling of undecodable files
     * @return the two parts, named {@code <root name>/train} and {@code <root name>/val} (or
     *     {@code /test})
     * @throws IllegalArgumentException if {@code valFraction} is not in {@code (0, 1)}
     * @throws DatasetException as {@link #open} does; if {@code train/} and {@code val/} have
     *     different classes; or if the fraction leaves no validation image at all
     * @throws IOException if listing a folder fails
     */
    public static Splits splits(Path root, double valFraction, long seed, Options options)
            throws IOException {
        Objects.requireNonNull(options, "options");
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException(
                    "valFraction must be in (0, 1), got " + valFraction);
        }
        return StratifiedSplit.folder(root, valFraction, seed, options);
    }

    /** Checks for empty files and makes the dataset (also for {@link StratifiedSplit}). */
    static ImageFolder create(
            String name,
            Path root,
            List<String> classNames,
            List<List<Path>> files,
            Options options)
            throws IOException {
        ImageFolder folder = new ImageFolder(name, root, classNames, files, options);
        for (int c = 0; c < classNames.size(); c++) {
            int empty = 0;
            for (int i = folder.classStart[c]; i < folder.classStart[c + 1]; i++) {
                if (Files.size(folder.files[i]) == 0) {
                    if (!options.skipUndecodable()) {
                        throw new DatasetException(
                                folder.files[i],
                                "could not be decoded as an image (expected image data, found an"
                                        + " empty file)");
                    }
                    folder.skip(i, "empty file");
                    empty++;
                }
            }
            if (empty > 0 && empty == folder.classStart[c + 1] - folder.classStart[c]) {
                throw new DatasetException(
                        root.resolve(classNames.get(c)),
                        "expected at least one decodable image in class '"
                                + classNames.get(c)
                                + "', found only empty files ("
                                + empty
                                + ")");
            }
        }
        return folder;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Returns the folder the classes were found in.
     *
     * @return the root folder
     */
    public Path root() {
        return root;
    }

    /**
     * Returns the options the folder was opened with.
     *
     * @return the options
     */
    public Options options() {
        return options;
    }

    @Override
    public int size() {
        return files.length;
    }

    @Override
    public int channels() {
        return options.channels();
    }

    @Override
    public int label(int index) {
        return labels[Objects.checkIndex(index, files.length)];
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Returns the file of one image.
     *
     * @param index the image's index
     * @return its path
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
     */
    public Path file(int index) {
        return files[Objects.checkIndex(index, files.length)];
    }

    /**
     * Returns the number of files found undecodable so far and skipped: the empty files, and the
     * files {@link #load} failed to decode (with {@link Options#skipUndecodable(boolean)} set).
     *
     * @return the number of distinct skipped files
     */
    public int skippedCount() {
        return skipped.size();
    }

    /**
     * Decodes one image; with {@link Options#skipUndecodable(boolean)} set, an undecodable file is
     * replaced by the next decodable image of its class (see {@link ImageFolder}).
     *
     * @param index the image's index
     * @return a new image, {@link #channels()} x height x width, values in {@code [0, 1]}
     * @throws DatasetException naming the file if it cannot be decoded (with skipping: naming the
     *     class folder if no file of the class can be decoded), or cannot be read
     * @throws IOException if reading fails otherwise
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
     */
    @Override
    public Image load(int index) throws IOException {
        Objects.checkIndex(index, files.length);
        ImageDecoder decoder = new ImageDecoder(options.maxImagePixels());
        if (!options.skipUndecodable()) {
            return decoder.decode(files[index], options.channels());
        }
        int c = labels[index];
        int start = classStart[c];
        int n = classStart[c + 1] - start;
        for (int k = 0; k < n; k++) {
            int i = start + (index - start + k) % n;
            if (skipped.contains(i)) {
                continue;
            }
            try {
                return decoder.decodeOrExplain(files[i], options.channels());
            } catch (ImageDecoder.Undecodable e) {
                skip(i, e.getMessage());
            }
        }
        throw new DatasetException(
                root.resolve(classNames.get(c)),
                "expected at least one decodable image in class '"
                        + classNames.get(c)
                        + "', found none of its "
                        + n
                        + " files decodable");
    }

    /** Records a file as undecodable, warning the first time. */
    private void skip(int index, String reason) {
        if (skipped.add(index)) {
            LOG.log(
                    Level.WARNING,
                    "{0}: could not be decoded as an image ({1}); skipping it, using the next"
                            + " image of class ''{2}'' instead",
                    files[index],
                    reason,
                    classNames.get(labels[index]));
        }
    }

    @Override
    public String toString() {
        return "ImageFolder[" + name + ", " + files.length + " images, " + classNames.size()
                + " classes, " + root + "]";
    }
}
