package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.visionzoo.examples.zoo.ZooTest.assertOneLineError;
import static org.visionzoo.examples.zoo.ZooTest.zoo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.examples.zoo.ZooTest.Result;
import org.visionzoo.training.data.DatasetLocator;
import org.visionzoo.training.data.ImageDataset;
import org.visionzoo.training.data.MnistFamily;
import org.visionzoo.training.data.Split;
import org.visionzoo.training.report.EpochRecord;
import org.visionzoo.training.report.MetricsLog;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * {@code zoo train / eval / predict} end to end on the real Fashion-MNIST (Debian's
 * dataset-fashion-mnist, which .ci/run installs) and on generated image folders.
 */
class ZooTrainTest {

    @TempDir Path tmp;

    private Result train(Path out, Object... extra) {
        List<Object> args = new ArrayList<>(List.of("train", "--model", "resnet20", "--dataset", "fashion-mnist",
                "--limit", 1024, "--val-limit", 512, "--batch-size", 64, "--lr", 0.1, "--seed", 3,
                "--quiet", "--out", out));
        args.addAll(List.of(extra));
        return zoo(args.toArray());
    }

    @Test
    void trainsOnAFashionMnistSubsetThenEvaluatesPredictsAndResumes() throws IOException {
        Path run = tmp.resolve("run");
        Result r = train(run, "--epochs", 2);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("data: fashion-mnist, 1,024 train / 512 validation images, 1 channel, 10 classes")
                .contains("epoch 2/2").contains("validation top-1");
        List<EpochRecord> log = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertThat(log).hasSize(2);
        assertThat(log.get(1).valTop1()).as("learns: chance is 0.10").isGreaterThan(0.5);
        for (String f : List.of("checkpoint.safetensors", "model.safetensors", "model.json", "labels.txt",
                "loss.png", "accuracy.png")) {
            assertThat(run.resolve(f)).as(f).isNotEmptyFile();
        }
        assertThat(ImageIO.read(run.resolve("accuracy.png").toFile()).getWidth()).isEqualTo(800);

        // eval on the same 512 images gives the figure of the last epoch
        Result e = zoo("eval", "--model", "resnet20", "--weights", run.resolve("model.safetensors"),
                "--dataset", "fashion-mnist", "--limit", 512, "--json");
        assertThat(e.status()).as(e.err()).isZero();
        JsonObject o = JsonParser.parseString(e.out()).getAsJsonObject();
        assertThat(o.get("top1").getAsDouble()).isCloseTo(log.get(1).valTop1(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(o.get("confusion_matrix").getAsJsonArray()).hasSize(10);
        Result text = zoo("eval", "--model", "resnet20", "--weights", run.resolve("checkpoint.safetensors"),
                "--dataset", "fashion-mnist", "--limit", 512);
        assertThat(text.out()).contains("top-1").contains("Ankle boot").contains("accuracy");

        // predict on test images written as PNG files
        ImageDataset test = MnistFamily.FASHION_MNIST.load(
                DatasetLocator.standard().locate(MnistFamily.FASHION_MNIST.source()), Split.TEST);
        List<Object> args = new ArrayList<>(List.of("predict", "--weights", run.resolve("model.safetensors"),
                "--top", 3, "--json"));
        for (int i = 0; i < 4; i++) {
            Path png = tmp.resolve("test" + i + ".png");
            writeGray(test.image(i), 28, png);
            args.add(png);
        }
        Result p = zoo(args.toArray());
        assertThat(p.status()).as(p.err()).isZero();
        List<String> lines = p.out().lines().toList();
        assertThat(lines).hasSize(4);
        for (String line : lines) {
            var top = JsonParser.parseString(line).getAsJsonObject().getAsJsonArray("top");
            assertThat(top).hasSize(3);
            double p0 = top.get(0).getAsJsonObject().get("probability").getAsDouble();
            double p1 = top.get(1).getAsJsonObject().get("probability").getAsDouble();
            assertThat(p0).isGreaterThanOrEqualTo(p1);
            assertThat(test.classNames()).contains(top.get(0).getAsJsonObject().get("label").getAsString());
        }
        Result bad = zoo("predict", "--weights", run.resolve("model.safetensors"), tmp.resolve("missing.png"));
        assertOneLineError(bad, 1, "missing.png");

        // a second train into the same folder must not overwrite it
        assertOneLineError(train(run, "--epochs", 3), 2, "already holds a run", "--resume");
        assertOneLineError(train(run, "--epochs", 3, "--resume"), 2,
                "--resume: options differ from the run's: --epochs 3 (the run's: 2)", "--accept-changes");
        Result resumed = train(run, "--epochs", 3, "--resume", "--accept-changes");
        assertThat(resumed.status()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming with changed options: --epochs 3 (the run's: 2)")
                .contains("after epoch 2");
        assertThat(MetricsLog.read(run.resolve("metrics.jsonl"))).extracting(EpochRecord::epoch)
                .containsExactly(1, 2, 3);
    }

    @Test
    void demoTrainsAndReportsTheTestAccuracy() {
        Path run = tmp.resolve("demo");
        Result r = zoo("demo", "--limit", 512, "--quiet", "--no-install", "--out", run);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("zoo demo: training resnet20").contains("epoch 1/1")
                .containsPattern("on cpu\\(\\), (channels-last|contiguous) order")
                .containsPattern("zoo demo: test accuracy [0-9.]+% \\(Fashion-MNIST's 10,000 test images\\)");
        assertThat(run.resolve("accuracy.png")).isNotEmptyFile();
        assertThat(run.resolve("checkpoint.safetensors")).isNotEmptyFile();
    }

    @Test
    void trainsDataParallelOnCpuReplicas() throws IOException {
        Path run = tmp.resolve("dp");
        Result r = zoo("train", "--model", "resnet20", "--dataset", "fashion-mnist", "--limit", 256,
                "--val-limit", 128, "--batch-size", 64, "--epochs", 1, "--device", "cpu:2", "--quiet",
                "--contiguous", "--out", run);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("on [cpu(), cpu()], contiguous order");
        assertThat(MetricsLog.read(run.resolve("metrics.jsonl")).get(0).extra().get("global_step")).isEqualTo(4.0);
    }

    @Test
    void refusesBadOptionsAndMissingData() {
        assertOneLineError(zoo("train", "--model", "resnet20", "--dataset", "imagenet"), 2, "--dataset must be");
        assertOneLineError(train(tmp.resolve("a"), "--optimizer", "adam"), 2, "--optimizer must be sgd or adamw");
        assertOneLineError(train(tmp.resolve("b"), "--device", "gpu:7"), 2, "no GPU 7");
        assertOneLineError(train(tmp.resolve("c"), "--epochs", 0), 2, "--epochs must be >= 1");
        assertOneLineError(train(tmp.resolve("e"), "--ema", 1.5), 2, "--ema must be in");
        assertOneLineError(train(tmp.resolve("f"), "--val-split", 1.5), 2, "--val-split must be in (0, 1)");
        assertOneLineError(zoo("train", "--model", "resnet21", "--dataset", "mnist"), 2, "resnet20");
        Result missing = train(tmp.resolve("d"), "--data", tmp.resolve("nowhere"));
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).startsWith("zoo: ").contains(tmp.resolve("nowhere").toString());
    }

    @Test
    void trainsOnAnImageFolderAndReportsUndecodableFiles() throws IOException {
        Path root = tmp.resolve("shapes");
        for (String split : List.of("train", "val")) {
            for (int c = 0; c < 2; c++) {
                Path dir = Files.createDirectories(root.resolve(split).resolve(c == 0 ? "dark" : "light"));
                for (int i = 0; i < 6; i++) {
                    BufferedImage img = new BufferedImage(20 + i, 18, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 18; y++) {
                        for (int x = 0; x < 20 + i; x++) {
                            int v = (c == 0 ? 30 : 200) + (x * 7 + y * 3 + i) % 40;
                            img.setRGB(x, y, v << 16 | v << 8 | v);
                        }
                    }
                    ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
                }
            }
        }
        Path run = tmp.resolve("folder-run");
        Result r = zoo("train", "--model", "resnet20", "--dataset", "folder:" + root, "--image-size", 16,
                "--epochs", 1, "--batch-size", 4, "--quiet", "--out", run);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("12 train / 12 validation images, 3 channels, 2 classes");
        assertThat(Files.readString(run.resolve("model.json"))).contains("\"dark\"").contains("\"light\"");

        Path broken = root.resolve("train").resolve("light").resolve("broken.png");
        Files.write(broken, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Result failed = zoo("train", "--model", "resnet20", "--dataset", "folder:" + root, "--image-size", 16,
                "--epochs", 1, "--batch-size", 4, "--quiet", "--workers", 0, "--out", tmp.resolve("r2"));
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.err()).contains(broken.toString()).contains("could not be decoded");
        Result skipped = zoo("train", "--model", "resnet20", "--dataset", "folder:" + root, "--image-size", 16,
                "--epochs", 1, "--batch-size", 4, "--quiet", "--skip-bad-images", "--out", tmp.resolve("r3"));
        assertThat(skipped.status()).as(skipped.err()).isZero();
    }

    static void writeGray(byte[] pixels, int size, Path file) throws IOException {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, size, size, pixels);
        ImageIO.write(img, "png", file.toFile());
    }
}
