package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.training.transform.Image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.imageio.ImageIO;

class ImageFolderTest {

    @TempDir Path dir;

    private static final ImageFolder.Options RGB = ImageFolder.Options.defaults();
    private static final ImageFolder.Options GRAY = RGB.channels(1);
    private static final ImageFolder.Options SKIP = RGB.skipUndecodable(true);

    // ---- helpers: small images written with ImageIO ------------------------------------------

    /** An RGB image whose pixel (x, y) is {@code rgb[y][x]}, each 0xRRGGBB. */
    static BufferedImage rgb(int[][] rgb) {
        BufferedImage img =
                new BufferedImage(rgb[0].length, rgb.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgb.length; y++) {
            for (int x = 0; x < rgb[0].length; x++) {
                img.setRGB(x, y, rgb[y][x]);
            }
        }
        return img;
    }

    /** An 8-bit grayscale image whose raw samples are {@code gray[y][x]}. */
    static BufferedImage gray(int[][] gray) {
        BufferedImage img =
                new BufferedImage(gray[0].length, gray.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < gray.length; y++) {
            for (int x = 0; x < gray[0].length; x++) {
                img.getRaster().setSample(x, y, 0, gray[y][x]);
            }
        }
        return img;
    }

    /** A one-colour RGB image, {@code w x h}; the colour tells images apart in tests. */
    static BufferedImage solid(int w, int h, int rgb) {
        int[][] px = new int[h][w];
        for (int[] row : px) {
            java.util.Arrays.fill(row, rgb);
        }
        return rgb(px);
    }

    static Path write(BufferedImage img, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(img, format, file.toFile())).as("writer for " + format).isTrue();
        return file;
    }

    static Path png(Path file, int rgb) throws IOException {
        return write(solid(2, 2, rgb), "png", file);
    }

    static Path text(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    /** The red value of pixel (0, 0), as the byte it was written as. */
    static int red(Image img) {
        return Math.round(img.get(0, 0, 0) * 255);
    }

    static void assertPixel(Image img, int y, int x, int rgb) {
        assertThat(img.get(0, y, x)).isEqualTo(((rgb >> 16) & 0xFF) / 255f);
        assertThat(img.get(1, y, x)).isEqualTo(((rgb >> 8) & 0xFF) / 255f);
        assertThat(img.get(2, y, x)).isEqualTo((rgb & 0xFF) / 255f);
    }

    // ---- classes, labels, files ---------------------------------------------------------------

    @Test
    void aLinkOutOfItsClassFolderIsSkippedAndOneInsideIsFollowed() throws IOException {
        Path root = dir.resolve("links");
        png(root.resolve("a").resolve("own.png"), 0x010000);
        png(root.resolve("a").resolve("deep").resolve("inner.png"), 0x020000);
        png(root.resolve("b").resolve("other.png"), 0x030000);
        Files.createSymbolicLink(root.resolve("a").resolve("to-b"), root.resolve("b"));
        Files.createSymbolicLink(root.resolve("a").resolve("to-root"), root);
        Files.createSymbolicLink(root.resolve("a").resolve("shortcut"), root.resolve("a").resolve("deep"));

        ImageFolder folder = ImageFolder.open(root, ImageFolder.Options.defaults());

        assertThat(folder.classNames()).containsExactly("a", "b");
        List<String> classA = new java.util.ArrayList<>();
        for (int i = 0; i < folder.size(); i++) {
            if (folder.label(i) == 0) {
                classA.add(root.relativize(folder.file(i)).toString());
            }
        }
        // b's image is not filed under a; the link inside a is followed, its folder read once
        assertThat(classA).containsExactly("a/own.png", "a/deep/inner.png");
    }

    @Test
    void classesAreSortedSubFoldersAndLabelsTheirIndex() throws IOException {
        png(dir.resolve("zebra/z1.png"), 0x010000);
        png(dir.resolve("ant/a2.png"), 0x020000);
        png(dir.resolve("ant/a1.PNG"), 0x030000);
        png(dir.resolve("ant/nested/a0.png"), 0x040000);
        png(dir.resolve("Bee/b.png"), 0x050000);
        text(dir.resolve("ant/notes.txt"), "not an image");
        text(dir.resolve("ant/.hidden.png"), "hidden");
        png(dir.resolve(".ipynb_checkpoints/x.png"), 0x060000);
        text(dir.resolve("README"), "a file at the root is not a class");

        ImageFolder set = ImageFolder.open(dir, RGB);

        assertThat(set.classNames()).containsExactly("Bee", "ant", "zebra");
        assertThat(set.numClasses()).isEqualTo(3);
        assertThat(set.size()).isEqualTo(5);
        assertThat(set.name()).isEqualTo(dir.getFileName().toString());
        assertThat(set.channels()).isEqualTo(3);
        List<String> files = new ArrayList<>();
        int[] labels = new int[set.size()];
        for (int i = 0; i < set.size(); i++) {
            files.add(dir.relativize(set.file(i)).toString().replace('\\', '/'));
            labels[i] = set.label(i);
        }
        assertThat(files)
                .containsExactly("Bee/b.png", "ant/a1.PNG", "ant/a2.png", "ant/nested/a0.png",
                        "zebra/z1.png");
        assertThat(labels).containsExactly(0, 1, 1, 1, 2);
        assertThat(red(set.load(1))).isEqualTo(3);
        assertThat(red(set.load(3))).isEqualTo(4);
        assertThatThrownBy(() -> set.label(5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> set.load(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void pngPixelsAreExactCHWFloats() throws IOException {
        int[][] px = {{0xFF0000, 0x00FF00, 0x0000FF}, {0x102030, 0xFFFFFF, 0x000000}};
        write(rgb(px), "png", dir.resolve("c/img.png"));

        Image img = ImageFolder.open(dir, RGB).load(0);

        assertThat(img.channels()).isEqualTo(3);
        assertThat(img.height()).isEqualTo(2);
        assertThat(img.width()).isEqualTo(3);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                assertPixel(img, y, x, px[y][x]);
            }
        }
        assertThat(img.data()[3 * 2 + 3]).isEqualTo(0x20 / 255f); // green plane, (1, 0)
    }

    @Test
    void grayscaleIsPillowLuminance() throws IOException {
        int[][] px = {{0xFF0000, 0x00FF00, 0x0000FF, 0x102030, 0xFFFFFF, 0x808080}};
        write(rgb(px), "png", dir.resolve("c/img.png"));

        Image img = ImageFolder.open(dir, GRAY).load(0);

        assertThat(img.channels()).isEqualTo(1);
        // What PIL's Image.convert("L") gives for these colours.
        int[] expected = {76, 150, 29, 29, 255, 128};
        for (int x = 0; x < expected.length; x++) {
            assertThat(img.get(0, 0, x)).as("x=%d", x).isEqualTo(expected[x] / 255f);
        }
        assertThat(ImageDecoder.luminance8(0x10, 0x20, 0x30)).isEqualTo(29);
    }

    @Test
    void grayPngIsReadAsStoredAndRepeatedIntoThreeChannels() throws IOException {
        int[][] px = {{0, 10, 128}, {200, 254, 255}};
        write(gray(px), "png", dir.resolve("c/gray.png"));

        Image rgbImg = ImageFolder.open(dir, RGB).load(0);
        Image grayImg = ImageFolder.open(dir, GRAY).load(0);

        assertThat(rgbImg.channels()).isEqualTo(3);
        assertThat(grayImg.channels()).isEqualTo(1);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                float v = px[y][x] / 255f; // raw samples: no gamma conversion
                assertThat(grayImg.get(0, y, x)).isEqualTo(v);
                for (int c = 0; c < 3; c++) {
                    assertThat(rgbImg.get(c, y, x)).isEqualTo(v);
                }
            }
        }
    }

    @Test
    void alphaIsDropped() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00C86432); // fully transparent, colour kept
        img.setRGB(1, 0, 0x80102030);
        write(img, "png", dir.resolve("c/alpha.png"));

        Image out = ImageFolder.open(dir, RGB).load(0);

        assertThat(out.channels()).isEqualTo(3);
        assertPixel(out, 0, 0, 0xC86432);
        assertPixel(out, 0, 1, 0x102030);
    }

    @Test
    void readsBmpGifAndJpeg() throws IOException {
        int[][] px = {{0xFF0000, 0x00FF00}, {0x0000FF, 0xFFFFFF}};
        write(rgb(px), "bmp", dir.resolve("a/img.bmp"));
        byte[] r = {(byte) 0xFF, 0, 0, (byte) 0xFF};
        byte[] g = {0, (byte) 0xFF, 0, (byte) 0xFF};
        byte[] b = {0, 0, (byte) 0xFF, (byte) 0xFF};
        BufferedImage indexed =
                new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED,
                        new IndexColorModel(8, 4, r, g, b));
        indexed.getRaster().setSample(1, 0, 0, 1);
        indexed.getRaster().setSample(0, 1, 0, 2);
        indexed.getRaster().setSample(1, 1, 0, 3);
        write(indexed, "gif", dir.resolve("b/img.gif"));
        write(solid(8, 8, 0x3366CC), "jpeg", dir.resolve("c/img.JPG"));

        ImageFolder set = ImageFolder.open(dir, RGB);

        assertThat(set.size()).isEqualTo(3);
        Image bmp = set.load(0);
        Image gif = set.load(1);
        Image jpeg = set.load(2);
        BufferedImage gifBack = ImageIO.read(dir.resolve("b/img.gif").toFile());
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                assertPixel(bmp, y, x, px[y][x]);
                // The JDK's GIF writer does not always keep tiny images intact: compare with what
                // ImageIO itself reads back, looked up in the palette.
                assertPixel(gif, y, x, gifBack.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertPixel(gif, 0, 0, 0xFF0000);
        assertPixel(gif, 0, 1, 0x00FF00);
        assertThat(jpeg.height()).isEqualTo(8);
        assertThat(jpeg.get(0, 4, 4)).isCloseTo(0x33 / 255f, within(4 / 255f));
        assertThat(jpeg.get(1, 4, 4)).isCloseTo(0x66 / 255f, within(4 / 255f));
        assertThat(jpeg.get(2, 4, 4)).isCloseTo(0xCC / 255f, within(4 / 255f));
    }

    // ---- splits -------------------------------------------------------------------------------

    @Test
    void trainAndValFoldersAreUsedAsTheyAre() throws IOException {
        png(dir.resolve("train/cat/1.png"), 0x010000);
        png(dir.resolve("train/cat/2.png"), 0x020000);
        png(dir.resolve("train/dog/1.png"), 0x030000);
        png(dir.resolve("val/cat/1.png"), 0x040000);
        png(dir.resolve("val/dog/1.png"), 0x050000);

        ImageFolder.Splits s = ImageFolder.splits(dir, 0.5, 1, RGB);

        String root = dir.getFileName().toString();
        assertThat(s.train().name()).isEqualTo(root + "/train");
        assertThat(s.val().name()).isEqualTo(root + "/val");
        assertThat(s.train().classNames()).containsExactly("cat", "dog");
        assertThat(s.val().classNames()).containsExactly("cat", "dog");
        assertThat(s.train().size()).isEqualTo(3);
        assertThat(s.val().size()).isEqualTo(2);
        assertThat(red(s.val().load(1))).isEqualTo(5);
        assertThat(s.val().label(1)).isEqualTo(1);
    }

    @Test
    void testFolderServesAsValidation() throws IOException {
        png(dir.resolve("train/cat/1.png"), 0x010000);
        png(dir.resolve("test/cat/1.png"), 0x020000);

        ImageFolder.Splits s = ImageFolder.splits(dir, 0.2, 1, RGB);

        assertThat(s.val().name()).endsWith("/test");
        assertThat(red(s.val().load(0))).isEqualTo(2);
    }

    @Test
    void trainAndValMustHaveTheSameClasses() throws IOException {
        png(dir.resolve("train/cat/1.png"), 0);
        png(dir.resolve("train/dog/1.png"), 0);
        png(dir.resolve("val/cat/1.png"), 0);
        png(dir.resolve("val/cow/1.png"), 0);

        assertThatThrownBy(() -> ImageFolder.splits(dir, 0.2, 1, RGB))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(dir + ": ")
                .hasMessageContaining("[cat, dog] in train/")
                .hasMessageContaining("[cat, cow] in val/");
    }

    /** Writes {@code n} images per class, the class index and file index in red and green. */
    private void classes(int... counts) throws IOException {
        for (int c = 0; c < counts.length; c++) {
            for (int k = 0; k < counts[c]; k++) {
                png(dir.resolve("class" + c + "/" + String.format("%03d.png", k)),
                        (c << 16) | (k << 8));
            }
        }
    }

    private static Set<Path> files(ImageFolder set) {
        Set<Path> out = new HashSet<>();
        for (int i = 0; i < set.size(); i++) {
            out.add(set.file(i));
        }
        return out;
    }

    @Test
    void seededSplitIsStratifiedDeterministicAndDisjoint() throws IOException {
        classes(10, 7, 1, 2);
        ImageFolder all = ImageFolder.open(dir, RGB);

        ImageFolder.Splits a = ImageFolder.splits(dir, 0.3, 42, RGB);
        ImageFolder.Splits b = ImageFolder.splits(dir, 0.3, 42, RGB);
        ImageFolder.Splits c = ImageFolder.splits(dir, 0.3, 43, RGB);

        String root = dir.getFileName().toString();
        assertThat(a.train().name()).isEqualTo(root + "/train");
        assertThat(a.val().name()).isEqualTo(root + "/val");
        // round(n * 0.3), at most n - 1: 3, 2, 0, 1
        int[] valPerClass = new int[4];
        for (int i = 0; i < a.val().size(); i++) {
            valPerClass[a.val().label(i)]++;
        }
        assertThat(valPerClass).containsExactly(3, 2, 0, 1);
        assertThat(a.train().size() + a.val().size()).isEqualTo(all.size());
        Set<Path> train = files(a.train());
        Set<Path> val = files(a.val());
        assertThat(train).doesNotContainAnyElementsOf(val);
        Set<Path> union = new HashSet<>(train);
        union.addAll(val);
        assertThat(union).isEqualTo(files(all));
        // labels follow the files
        for (int i = 0; i < a.val().size(); i++) {
            String cls = a.val().file(i).getParent().getFileName().toString();
            assertThat(a.val().classNames().get(a.val().label(i))).isEqualTo(cls);
        }
        // same seed, same split, in file order
        assertThat(files(b.val())).isEqualTo(val);
        for (int i = 1; i < a.val().size(); i++) {
            Path prev = a.val().file(i - 1);
            Path cur = a.val().file(i);
            if (a.val().label(i) == a.val().label(i - 1)) {
                assertThat(prev.getFileName().toString())
                        .isLessThan(cur.getFileName().toString());
            }
        }
        // another seed, another split
        assertThat(files(c.val())).isNotEqualTo(val);
    }

    @Test
    void everyClassKeepsATrainingImage() throws IOException {
        classes(2, 1, 5);

        ImageFolder.Splits s = ImageFolder.splits(dir, 0.9, 7, RGB);

        int[] trainPerClass = new int[3];
        for (int i = 0; i < s.train().size(); i++) {
            trainPerClass[s.train().label(i)]++;
        }
        assertThat(trainPerClass).containsExactly(1, 1, 1);
        assertThat(s.val().size()).isEqualTo(1 + 0 + 4);
    }

    @Test
    void splitRejectsBadFractions() throws IOException {
        classes(4);
        for (double f : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> ImageFolder.splits(dir, f, 1, RGB))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("valFraction");
        }
        assertThatThrownBy(() -> ImageFolder.splits(dir, 0.01, 1, RGB))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("at least one validation image");
    }

    // ---- undecodable files --------------------------------------------------------------------

    @Test
    void undecodableFileFailsNamingIt() throws IOException {
        png(dir.resolve("a/0.png"), 0);
        Path junk = text(dir.resolve("a/1.png"), "this is not a PNG");
        byte[] good = Files.readAllBytes(png(dir.resolve("b/0.png"), 0));
        Path truncated = dir.resolve("b/1.png");
        Files.write(truncated, java.util.Arrays.copyOf(good, 40));

        ImageFolder set = ImageFolder.open(dir, RGB);

        assertThatThrownBy(() -> set.load(1))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(junk + ": could not be decoded as an image (")
                .satisfies(e -> assertThat(((DatasetException) e).source())
                        .isEqualTo(junk.toString()));
        assertThatThrownBy(() -> set.load(3))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(truncated + ": could not be decoded as an image (");
        assertThat(set.skippedCount()).isZero();
    }

    @Test
    void emptyFileFailsAtOpenUnlessSkipped() throws IOException {
        png(dir.resolve("a/0.png"), 0x010000);
        Path empty = dir.resolve("a/1.png");
        Files.write(empty, new byte[0]);

        assertThatThrownBy(() -> ImageFolder.open(dir, RGB))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(empty + ": could not be decoded as an image (")
                .hasMessageContaining("empty file");

        ImageFolder set = ImageFolder.open(dir, SKIP);
        assertThat(set.size()).isEqualTo(2);
        assertThat(set.skippedCount()).isEqualTo(1);
        assertThat(red(set.load(1))).isEqualTo(1);
        assertThat(set.skippedCount()).isEqualTo(1);

        Files.createDirectories(dir.resolve("b"));
        Files.write(dir.resolve("b/0.png"), new byte[0]);
        assertThatThrownBy(() -> ImageFolder.open(dir, SKIP))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(dir.resolve("b") + ": ")
                .hasMessageContaining("only empty files");
    }

    @Test
    void skippingReturnsTheNextDecodableImageOfTheClassAndWarnsOnce() throws IOException {
        png(dir.resolve("a/0.png"), 0x010000);
        Path bad1 = text(dir.resolve("a/1.png"), "junk");
        text(dir.resolve("a/2.jpg"), "junk too");
        png(dir.resolve("a/3.png"), 0x040000);
        Path bad4 = text(dir.resolve("a/4.png"), "junk at the end");
        png(dir.resolve("b/0.png"), 0x050000);
        List<LogRecord> warnings = Collections.synchronizedList(new ArrayList<>());
        Logger jul = Logger.getLogger(ImageFolder.class.getName());
        Handler handler =
                new Handler() {
                    @Override
                    public void publish(LogRecord r) {
                        warnings.add(r);
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        jul.addHandler(handler);
        try {
            ImageFolder set = ImageFolder.open(dir, SKIP);
            assertThat(set.size()).isEqualTo(6);
            assertThat(set.skippedCount()).isZero();

            assertThat(red(set.load(1))).isEqualTo(4); // 1 and 2 are junk: 3
            assertThat(set.skippedCount()).isEqualTo(2);
            assertThat(red(set.load(1))).isEqualTo(4);
            assertThat(red(set.load(2))).isEqualTo(4);
            assertThat(red(set.load(4))).isEqualTo(1); // wraps around to 0
            assertThat(red(set.load(5))).isEqualTo(5); // the other class is untouched
            assertThat(set.skippedCount()).isEqualTo(3);
            assertThat(set.label(4)).isEqualTo(0);

            assertThat(warnings).hasSize(3);
            String first = warnings.get(0).getMessage();
            Object[] params = warnings.get(0).getParameters();
            String text = java.text.MessageFormat.format(first, params);
            assertThat(text).startsWith(bad1 + ": could not be decoded as an image (");
            assertThat(java.text.MessageFormat.format(
                            warnings.get(2).getMessage(), warnings.get(2).getParameters()))
                    .startsWith(bad4.toString());
        } finally {
            jul.removeHandler(handler);
        }
    }

    @Test
    void skippingFailsWhenNoImageOfTheClassDecodes() throws IOException {
        text(dir.resolve("a/0.png"), "junk");
        text(dir.resolve("a/1.png"), "junk");
        png(dir.resolve("b/0.png"), 0);

        ImageFolder set = ImageFolder.open(dir, SKIP);

        assertThatThrownBy(() -> set.load(1))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(dir.resolve("a") + ": ")
                .hasMessageContaining("class 'a'");
        assertThat(set.skippedCount()).isEqualTo(2);
        assertThat(set.load(2).channels()).isEqualTo(3);
    }

    // ---- folder errors ------------------------------------------------------------------------

    @Test
    void missingRootIsAnError() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> ImageFolder.open(missing, RGB))
                .isInstanceOf(DatasetException.class)
                .hasMessage(missing + ": expected a folder with one sub-folder per class, found no"
                        + " such folder");
        assertThatThrownBy(() -> ImageFolder.splits(missing, 0.2, 1, RGB))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(missing + ": ");
    }

    @Test
    void rootThatIsAFileIsAnError() throws IOException {
        Path file = text(dir.resolve("file.png"), "x");
        assertThatThrownBy(() -> ImageFolder.open(file, RGB))
                .isInstanceOf(DatasetException.class)
                .hasMessageEndingWith("found a file");
    }

    @Test
    void rootWithoutClassFoldersIsAnError() throws IOException {
        png(dir.resolve("loose.png"), 0);
        assertThatThrownBy(() -> ImageFolder.open(dir, RGB))
                .isInstanceOf(DatasetException.class)
                .hasMessage(dir + ": expected one sub-folder per class, found none (but 1 image"
                        + " files directly in it)");
    }

    @Test
    void classFolderWithoutImagesIsAnError() throws IOException {
        png(dir.resolve("a/0.png"), 0);
        text(dir.resolve("b/readme.txt"), "no images here");
        assertThatThrownBy(() -> ImageFolder.open(dir, RGB))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(dir.resolve("b") + ": expected at least one image file (");
    }

    // ---- threads ------------------------------------------------------------------------------

    @Test
    void concurrentLoadsGiveTheSameImages() throws Exception {
        Random random = new Random(3);
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 8; k++) {
                int[][] px = new int[5 + k][4 + c];
                for (int[] row : px) {
                    for (int x = 0; x < row.length; x++) {
                        row[x] = random.nextInt(1 << 24);
                    }
                }
                write(rgb(px), k % 2 == 0 ? "png" : "bmp",
                        dir.resolve("c" + c + "/" + k + (k % 2 == 0 ? ".png" : ".bmp")));
            }
        }
        ImageFolder set = ImageFolder.open(dir, GRAY);
        List<Image> expected = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            expected.add(set.load(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                long seed = t;
                Callable<Integer> task =
                        () -> {
                            List<Integer> order = new ArrayList<>();
                            for (int i = 0; i < set.size(); i++) {
                                order.add(i);
                            }
                            int checked = 0;
                            for (int round = 0; round < 4; round++) {
                                Collections.shuffle(order, new Random(seed * 10 + round));
                                for (int i : order) {
                                    assertThat(set.load(i)).isEqualTo(expected.get(i));
                                    checked++;
                                }
                            }
                            return checked;
                        };
                results.add(pool.submit(task));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(4 * set.size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void optionsCheckChannels() {
        assertThatThrownBy(() -> RGB.channels(2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(GRAY.channels()).isEqualTo(1);
        assertThat(GRAY.skipUndecodable()).isFalse();
        assertThat(SKIP.skipUndecodable()).isTrue();
        assertThat(SKIP.channels()).isEqualTo(3);
    }
}
