package org.visionzoo.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.resnet.ResNet;
import org.visionzoo.resnet.ResNetVariant;
import org.visionzoo.training.data.DatasetLocator;
import org.visionzoo.training.data.ImageDataset;
import org.visionzoo.training.data.MnistFamily;
import org.visionzoo.training.data.Split;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/** Runs the example programs on small inputs, as their documented commands do. */
class ExamplesTest {

    @TempDir Path tmp;

    private static String run(ThrowingMain main) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        old.print(out);
        return out;
    }

    @FunctionalInterface
    interface ThrowingMain {
        void run() throws Exception;
    }

    @Test
    void trainsOnFashionMnistThenClassifiesTestImages() throws Exception {
        Path run = tmp.resolve("fm");
        String out = run(() -> TrainFashionMnist.main(new String[] {run.toString(), "1", "1024"}));
        assertThat(out).contains("test top-1 after 1 epoch(s)");
        assertThat(run.resolve("model.safetensors")).isNotEmptyFile();
        assertThat(run.resolve("accuracy.png")).isNotEmptyFile();

        ImageDataset test = MnistFamily.FASHION_MNIST.load(
                DatasetLocator.standard().locate(MnistFamily.FASHION_MNIST.source()), Split.TEST);
        Path png = tmp.resolve("item.png");
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, 28, 28, test.image(0));
        ImageIO.write(img, "png", png.toFile());
        String classified = run(() -> Classify.main(new String[] {run.toString(), png.toString()}));
        assertThat(classified).startsWith(png + ": ");
        assertThat(test.classNames().stream().anyMatch(classified::contains)).isTrue();
    }

    @Test
    void fineTunesOnAnImageFolderFromImportedWeights() throws Exception {
        Path folder = tmp.resolve("folder");
        for (int c = 0; c < 2; c++) {
            Path dir = Files.createDirectories(folder.resolve(c == 0 ? "cats" : "dogs"));
            for (int i = 0; i < 10; i++) {
                BufferedImage img = new BufferedImage(40, 36, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 36; y++) {
                    for (int x = 0; x < 40; x++) {
                        int v = (c == 0 ? 40 : 190) + (x + 3 * y + 7 * i) % 50;
                        img.setRGB(x, y, (c == 0 ? v << 16 : v) | v << 8);
                    }
                }
                ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
            }
        }
        // stands in for torchvision's resnet18 weights: same keys and shapes
        Path weights = tmp.resolve("resnet18.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet r = ResNetVariant.RESNET18.builder().build();
            r.initialize(m, 32);
            Weights.save(r, weights);
        }
        Path out = tmp.resolve("ft");
        String printed = run(() -> FineTuneFolder.main(
                new String[] {folder.toString(), weights.toString(), out.toString(), "32", "1"}));
        assertThat(printed).contains("2 classes [cats, dogs]").containsPattern("imported [0-9]+ tensors from")
                .contains("head only: val top-1").contains("whole network: val top-1");
        assertThat(out.resolve("resnet18-finetuned.safetensors")).isNotEmptyFile();
        assertThat(out.resolve("head").resolve("checkpoint.safetensors")).isNotEmptyFile();
    }
}
