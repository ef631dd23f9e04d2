package org.visionzoo.training.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

class CurvePlotsTest {

    @TempDir Path dir;

    private static List<EpochRecord> epochs(int n, boolean validateEveryOther) {
        List<EpochRecord> records = new ArrayList<>();
        for (int e = 1; e <= n; e++) {
            boolean val = !validateEveryOther || e % 2 == 0;
            records.add(new EpochRecord(e, 2.0 / e, 1 - 0.5 / e, val ? 2.2 / e : Double.NaN,
                    val ? 1 - 0.6 / e : Double.NaN, val ? 1 - 0.1 / e : Double.NaN, 0.1, 1000,
                    30, Map.of()));
        }
        return records;
    }

    private static BufferedImage readPng(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(CurvePlots.WIDTH);
        assertThat(image.getHeight()).isEqualTo(CurvePlots.HEIGHT);
        return image;
    }

    private void assertOnlyTheCharts(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files).containsExactlyInAnyOrder(
                    folder.resolve("loss.png"), folder.resolve("accuracy.png"));
        }
    }

    @Test
    void severalEpochs() throws IOException {
        List<Path> files = CurvePlots.write(epochs(12, false), dir, "resnet18 cifar10");
        assertThat(files).containsExactly(dir.resolve("loss.png"), dir.resolve("accuracy.png"));
        for (Path f : files) {
            readPng(f);
        }
        assertOnlyTheCharts(dir);
    }

    @Test
    void singleEpochDrawsAPoint() throws IOException {
        List<Path> files = CurvePlots.write(epochs(1, false), dir, "one");
        BufferedImage single = readPng(files.get(0));
        // A marker is drawn, so the plot holds more than the background and the grid.
        Path empty = dir.resolve("empty");
        List<EpochRecord> noLoss = List.of(new EpochRecord(1, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, 0.1, 1, 1, Map.of()));
        BufferedImage blank = readPng(CurvePlots.write(noLoss, empty, "one").get(0));
        assertThat(colours(single)).isGreaterThan(colours(blank));
    }

    @Test
    void aSingleEpochWithStepsDrawsACurve() throws IOException {
        List<StepRecord> steps = new java.util.ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            steps.add(new StepRecord(i, i / 40.0, 2.0 / Math.sqrt(i), Math.min(0.9, i / 40.0), 0.1));
        }
        Path withSteps = dir.resolve("steps");
        BufferedImage curve = readPng(CurvePlots.write(epochs(1, false), steps, withSteps, "one").get(0));
        BufferedImage dot = readPng(CurvePlots.write(epochs(1, false), dir, "one").get(0));
        assertThat(distinctColumnsDrawn(curve)).as("columns with curve pixels").isGreaterThan(distinctColumnsDrawn(dot) + 200);
    }

    /** Columns of the plot area holding a saturated (curve) pixel. */
    private static long distinctColumnsDrawn(BufferedImage image) {
        return IntStream.range(0, image.getWidth()).filter(x -> IntStream.range(60, image.getHeight() - 60).anyMatch(y -> {
            java.awt.Color c = new java.awt.Color(image.getRGB(x, y));
            int max = Math.max(c.getRed(), Math.max(c.getGreen(), c.getBlue()));
            int min = Math.min(c.getRed(), Math.min(c.getGreen(), c.getBlue()));
            return max - min > 100;
        })).count();
    }

    @Test
    void stepRecordsRoundTripThroughJson() {
        StepRecord r = new StepRecord(7, 0.4375, 1.25, Double.NaN, 0.05);
        assertThat(StepRecord.fromJson(r.toJsonLine())).isEqualTo(r);
        assertThat(r.toJsonLine()).isEqualTo("{\"step\":7,\"epoch\":0.4375,\"train_loss\":1.25,\"train_top1\":null,\"lr\":0.05}");
    }

    private static long colours(BufferedImage image) {
        return IntStream.range(0, image.getWidth() * image.getHeight())
                .map(i -> image.getRGB(i % image.getWidth(), i / image.getWidth()))
                .distinct().count();
    }

    @Test
    void nanValidationValuesAreSkipped() throws IOException {
        for (Path f : CurvePlots.write(epochs(9, true), dir, "")) {
            readPng(f);
        }
        Path noVal = dir.resolve("noval");
        List<EpochRecord> records = new ArrayList<>();
        for (int e = 1; e <= 3; e++) {
            records.add(new EpochRecord(e, 1.0 / e, 0.3 * e, Double.NaN, Double.NaN, Double.NaN,
                    0.1, 1, 1, null));
        }
        for (Path f : CurvePlots.write(records, noVal, "no validation")) {
            readPng(f);
        }
        assertOnlyTheCharts(noVal);
    }

    @Test
    void replacesExistingChartsAndRejectsNoEpochs() throws IOException {
        Files.writeString(dir.resolve("loss.png"), "old");
        CurvePlots.write(epochs(3, false), dir, "again");
        readPng(dir.resolve("loss.png"));
        assertOnlyTheCharts(dir);
        assertThatThrownBy(() -> CurvePlots.write(List.of(), dir, "t"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
