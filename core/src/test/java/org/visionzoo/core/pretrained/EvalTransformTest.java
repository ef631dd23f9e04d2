package org.visionzoo.core.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.testing.TorchReference;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

/**
 * {@link EvalTransform} against torchvision's {@code ImageClassification} preset (PIL path) on real
 * photographs: scikit-learn's sample images {@code china.jpg} and {@code flower.jpg} (Debian's
 * {@code python3-sklearn}), one python process for every case.
 */
class EvalTransformTest {

    static final Path IMAGES = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/images");
    static final Path CHINA = IMAGES.resolve("china.jpg");
    static final Path FLOWER = IMAGES.resolve("flower.jpg");

    /** One case: image, resize, crop, interpolation, optional crop box of the decoded image. */
    record Case(Path image, int resize, int crop, Interpolation interpolation, String box) {
        String arg() {
            return image + ":" + resize + ":" + crop + ":" + interpolation.torchvisionName() + (box == null ? "" : ":" + box);
        }
    }

    static final List<Case> CASES = List.of(
            new Case(CHINA, 232, 224, Interpolation.BILINEAR, null),    // resnet50 IMAGENET1K_V2
            new Case(FLOWER, 256, 224, Interpolation.BILINEAR, null),   // resnet50 IMAGENET1K_V1
            new Case(CHINA, 320, 300, Interpolation.BICUBIC, null),     // efficientnet_b3
            new Case(FLOWER, 256, 224, Interpolation.BICUBIC, null),    // efficientnet_b0
            new Case(CHINA, 256, 224, Interpolation.BICUBIC, "100,50,231,157"),   // upscaling, odd sizes
            new Case(FLOWER, 232, 224, Interpolation.BILINEAR, "0,0,300,427"));

    @TempDir static Path dir;

    @BeforeAll
    static void reference() throws Exception {
        assertThat(CHINA).as("Debian's python3-sklearn ships the sample photographs").isRegularFile();
        Path script = dir.resolve("eval_transform_ref.py");
        try (InputStream in = EvalTransformTest.class.getResourceAsStream("eval_transform_ref.py")) {
            Files.copy(in, script);
        }
        List<String> cmd = new ArrayList<>(List.of(TorchReference.python().toString(), script.toString(), dir.toString()));
        CASES.forEach(c -> cmd.add(c.arg()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
    }

    private static EvalTransform transform(Case c) {
        return new EvalTransform(c.resize(), c.crop(), c.interpolation(), EvalTransform.IMAGENET_MEAN,
                EvalTransform.IMAGENET_STD, true);
    }

    /** Mean absolute difference in pixel units of [0, 1] (normalised values times std). */
    private static double meanAbsPixelError(float[] got, float[] want, int crop) {
        double sum = 0;
        int plane = crop * crop;
        for (int i = 0; i < got.length; i++) {
            sum += Math.abs(got[i] - want[i]) * EvalTransform.IMAGENET_STD.get(i / plane);
        }
        return sum / got.length;
    }

    @Test
    void samePixelsGiveTorchvisionsTensorWithinAFractionOfALevel() {
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            long[] shape = TorchReference.readShape(dir.resolve("in_" + i + ".npy"));
            float[] in = TorchReference.readFloats(dir.resolve("in_" + i + ".npy"));
            float[] want = TorchReference.readFloats(dir.resolve("out_" + i + ".npy"));

            float[] got = transform(c).apply(in, 3, (int) shape[1], (int) shape[2]);

            assertThat(got).hasSameSizeAs(want);
            double mae = meanAbsPixelError(got, want, c.crop());
            double max = 0;
            for (int k = 0; k < got.length; k++) {
                max = Math.max(max, Math.abs(got[k] - want[k]) * EvalTransform.IMAGENET_STD.get(k / (c.crop() * c.crop())));
            }
            // PIL computes with 22-bit fixed-point coefficients: at most one level off, rarely
            System.out.printf("%s: mean |error| %.4f levels, max %.3f%n", c.arg(), mae * 255, max * 255);
            assertThat(mae).as(c.arg() + ": mean |error| in levels " + mae * 255).isLessThan(0.05 / 255);
            assertThat(max).as(c.arg() + ": max |error|").isLessThan(1.01 / 255);
        }
    }

    @Test
    void withoutAntialiasingTheResultIsFarFromTorchvisions() {
        Case c = CASES.get(0);
        long[] shape = TorchReference.readShape(dir.resolve("in_0.npy"));
        float[] in = TorchReference.readFloats(dir.resolve("in_0.npy"));
        float[] want = TorchReference.readFloats(dir.resolve("out_0.npy"));
        EvalTransform plain = new EvalTransform(c.resize(), c.crop(), c.interpolation(), EvalTransform.IMAGENET_MEAN,
                EvalTransform.IMAGENET_STD, false);

        float[] got = plain.apply(in, 3, (int) shape[1], (int) shape[2]);

        assertThat(meanAbsPixelError(got, want, c.crop())).isGreaterThan(1.0 / 255);
    }

    @Test
    void decodedWithJavaTheJpegsAreWithinOneLevelOfTorchvision() throws IOException {
        for (int i = 0; i < 4; i++) {
            Case c = CASES.get(i);
            BufferedImage img = ImageIO.read(c.image().toFile());
            int h = img.getHeight();
            int w = img.getWidth();
            float[] chw = new float[3 * h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = img.getRGB(x, y);
                    chw[y * w + x] = ((rgb >> 16) & 255) / 255f;
                    chw[(h + y) * w + x] = ((rgb >> 8) & 255) / 255f;
                    chw[(2 * h + y) * w + x] = (rgb & 255) / 255f;
                }
            }
            float[] want = TorchReference.readFloats(dir.resolve("out_" + i + ".npy"));

            float[] got = transform(c).apply(chw, 3, h, w);

            double mae = meanAbsPixelError(got, want, c.crop());
            System.out.printf("%s decoded by ImageIO: mean |error| %.4f levels%n", c.arg(), mae * 255);
            assertThat(mae).as(c.arg() + ": mean |error| in levels " + mae * 255).isLessThan(1.0 / 255);
        }
    }

    @Test
    void sizesFollowTorchvision() {
        EvalTransform t = EvalTransform.imagenetDefaults(224);
        assertThat(t.resizeSize()).isEqualTo(256);
        assertThat(t.resizedSize(427, 640)).containsExactly(256, 383);
        assertThat(t.resizedSize(640, 427)).containsExactly(383, 256);
        assertThat(EvalTransform.imagenetDefaults(32).resizeSize()).isEqualTo(37);
        float[] same = t.apply(new float[3 * 256 * 256], 3, 256, 256);
        assertThat(same).hasSize(3 * 224 * 224);
        assertThat(same[0]).isEqualTo((0 - 0.485f) / 0.229f);
    }

    @Test
    void badInputIsRefusedNamingWhatWasExpected() {
        EvalTransform t = EvalTransform.imagenetDefaults(224);
        assertThatThrownBy(() -> t.apply(new float[10], 3, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 3x2x2 values (positive sizes), got 10");
        assertThatThrownBy(() -> t.apply(new float[4], 1, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 3 channels, got 1");
        assertThatThrownBy(() -> new EvalTransform(200, 224, Interpolation.BILINEAR, EvalTransform.IMAGENET_MEAN,
                        EvalTransform.IMAGENET_STD, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cropSize <= resizeSize");
        assertThatThrownBy(() -> t.resizedSize(1, 10_000_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aspect ratio too extreme");
        assertThatThrownBy(() -> Interpolation.parse("nearest"))
                .hasMessage("expected interpolation bilinear or bicubic, got 'nearest'");
    }
}
