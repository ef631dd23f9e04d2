package org.visionzoo.training.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class RandomParamsTest {

    @Test
    void randomResizedCropStatistics() {
        RandomResizedCrop t = new RandomResizedCrop(32);
        SplittableRandom rng = new SplittableRandom(11);
        int n = 20000;
        double sumLog = 0;
        for (int i = 0; i < n; i++) {
            CropBox b = t.sample(200, 200, rng);
            assertThat(b.top()).isBetween(0, 200 - b.height());
            assertThat(b.left()).isBetween(0, 200 - b.width());
            double frac = b.area() / 40000.0;
            assertThat(frac).isBetween(0.075, 1.0);
            double ratio = (double) b.width() / b.height();
            assertThat(ratio).isBetween(0.74, 1.35);
            sumLog += Math.log(ratio);
        }
        assertThat(sumLog / n).isCloseTo(0.0, within(0.01));
    }

    @Test
    void randomResizedCropLogRatioIsUniform() {
        // with small areas every first try fits: log(ratio) ~ U(log 3/4, log 4/3)
        RandomResizedCrop t = new RandomResizedCrop(8, 0.1, 0.2, 3.0 / 4, 4.0 / 3);
        SplittableRandom rng = new SplittableRandom(5);
        int n = 20000;
        double sum = 0;
        double sumSq = 0;
        double sumFrac = 0;
        for (int i = 0; i < n; i++) {
            CropBox b = t.sample(400, 400, rng);
            double l = Math.log((double) b.width() / b.height());
            sum += l;
            sumSq += l * l;
            sumFrac += b.area() / 160000.0;
        }
        double half = Math.log(4.0 / 3);
        assertThat(sum / n).isCloseTo(0.0, within(0.005));
        assertThat(sumSq / n).isCloseTo(half * half / 3, within(0.1 * half * half / 3));
        assertThat(sumFrac / n).isCloseTo(0.15, within(0.005));
    }

    @Test
    void randomResizedCropFallback() {
        RandomResizedCrop t = new RandomResizedCrop(16);
        SplittableRandom rng = new SplittableRandom(2);
        // a 10 x 1000 strip: no window of ratio <= 4/3 and area >= 8% fits; centre crop 10 x 13
        CropBox expected = new CropBox(0, 493, 10, 13);
        assertThat(t.fallback(10, 1000)).isEqualTo(expected);
        for (int i = 0; i < 200; i++) {
            assertThat(t.sample(10, 1000, rng)).isEqualTo(expected);
        }
        // tall strip: width kept, height = round(w / (3/4))
        assertThat(t.fallback(1000, 9)).isEqualTo(new CropBox(494, 0, 12, 9));
        // extreme ratio range on a square: fallback clamps to ratio 5
        RandomResizedCrop wide = new RandomResizedCrop(16, 0.9, 1.0, 5, 6);
        for (int i = 0; i < 200; i++) {
            assertThat(wide.sample(100, 100, rng)).isEqualTo(new CropBox(40, 0, 20, 100));
        }
        // in range: whole image
        assertThat(t.fallback(30, 35)).isEqualTo(new CropBox(0, 0, 30, 35));
        Image out = t.apply(Image.zeros(3, 10, 1000), rng);
        assertThat(new int[] {out.channels(), out.height(), out.width()}).containsExactly(3, 16, 16);
    }

    @Test
    void randomErasingErasesARectangleWithinBounds() {
        RandomErasing t = new RandomErasing(1.0, 0.02, 0.33, 0.3, 3.3, new float[] {0f});
        SplittableRandom rng = new SplittableRandom(9);
        int erased = 0;
        for (int trial = 0; trial < 500; trial++) {
            Image img = Image.zeros(3, 20, 24);
            Arrays.fill(img.data(), 1f);
            t.apply(img, rng);
            int minY = Integer.MAX_VALUE;
            int maxY = -1;
            int minX = Integer.MAX_VALUE;
            int maxX = -1;
            int zeros = 0;
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 24; x++) {
                    if (img.get(0, y, x) == 0f) {
                        zeros++;
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                    }
                    // every channel erased alike
                    assertThat(img.get(1, y, x)).isEqualTo(img.get(0, y, x));
                    assertThat(img.get(2, y, x)).isEqualTo(img.get(0, y, x));
                }
            }
            if (zeros == 0) {
                continue;
            }
            erased++;
            int h = maxY - minY + 1;
            int w = maxX - minX + 1;
            assertThat(zeros).as("a filled rectangle").isEqualTo(h * w);
            assertThat(h).isLessThan(20);
            assertThat(w).isLessThan(24);
            assertThat(zeros / 480.0).isBetween(0.01, 0.36);
        }
        assertThat(erased).isGreaterThan(490);
    }

    @Test
    void randomErasingProbabilityAndValues() {
        RandomErasing t = new RandomErasing();
        SplittableRandom rng = new SplittableRandom(4);
        int erased = 0;
        for (int trial = 0; trial < 4000; trial++) {
            Image img = Image.zeros(1, 32, 32);
            Arrays.fill(img.data(), 1f);
            t.apply(img, rng);
            for (float v : img.data()) {
                if (v == 0f) {
                    erased++;
                    break;
                }
            }
        }
        assertThat(erased / 4000.0).isCloseTo(0.5, within(0.03));

        // per-channel values
        RandomErasing perChannel = new RandomErasing(1, 0.1, 0.1, 1, 1, new float[] {7f, 8f});
        Image img = Image.zeros(2, 10, 10);
        perChannel.apply(img, rng);
        long sevens = 0;
        long eights = 0;
        for (int i = 0; i < 100; i++) {
            sevens += img.data()[i] == 7f ? 1 : 0;
            eights += img.data()[100 + i] == 8f ? 1 : 0;
        }
        assertThat(sevens).isEqualTo(eights).isEqualTo(9); // round(sqrt(10)) = 3, 3 x 3
        // random normal values: the rectangle is no longer constant
        Image noisy = Image.zeros(1, 10, 10);
        new RandomErasing(1, 0.3, 0.3, 1, 1, null).apply(noisy, rng);
        assertThat(Arrays.stream(box(noisy)).distinct().count()).isGreaterThan(1);
        // p = 0: untouched
        Image same = Image.zeros(1, 10, 10);
        new RandomErasing(0, 0.3, 0.3, 1, 1, new float[] {5f}).apply(same, rng);
        assertThat(same).isEqualTo(Image.zeros(1, 10, 10));
    }

    private static double[] box(Image img) {
        double[] out = new double[img.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = img.data()[i];
        }
        return out;
    }
}
