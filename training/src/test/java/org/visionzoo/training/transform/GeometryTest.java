package org.visionzoo.training.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class GeometryTest {

    /** A 2-channel image with distinct values: {@code 1000 * c + 10 * y + x}. */
    static Image indexed(int c, int h, int w) {
        Image img = Image.zeros(c, h, w);
        float[] d = img.data();
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(ch * h + y) * w + x] = 1000 * ch + 10 * y + x;
                }
            }
        }
        return img;
    }

    @Test
    void fromU8ScalesLikeToTensor() {
        Image img = Image.fromU8(new byte[] {0, (byte) 255, (byte) 128, 1, 2, 3}, 2, 1, 3);
        assertThat(img.data()).containsExactly(0f, 1f, 128 / 255f, 1 / 255f, 2 / 255f, 3 / 255f);
        Image sub = Image.fromU8(new byte[] {9, 9, (byte) 255, 0}, 2, 1, 1, 2);
        assertThat(sub.data()).containsExactly(1f, 0f);
    }

    @Test
    void flipReallyFlipsAndTwiceIsIdentity() {
        Image img = indexed(2, 3, 5);
        Image orig = img.copy();
        Image flipped = new RandomHorizontalFlip(1.0).apply(img, new SplittableRandom(1));
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 5; x++) {
                    assertThat(flipped.get(c, y, x)).isEqualTo(orig.get(c, y, 4 - x));
                }
            }
        }
        assertThat(flipped).isNotEqualTo(orig);
        assertThat(RandomHorizontalFlip.flip(flipped)).isEqualTo(orig);
        // even width as well
        Image even = indexed(1, 2, 4);
        assertThat(RandomHorizontalFlip.flip(even.copy()).data())
                .containsExactly(3, 2, 1, 0, 13, 12, 11, 10);
        // p = 0 never flips
        assertThat(new RandomHorizontalFlip(0.0).apply(orig.copy(), new SplittableRandom(1)))
                .isEqualTo(orig);
    }

    @Test
    void flipProbability() {
        RandomHorizontalFlip t = new RandomHorizontalFlip(0.5);
        SplittableRandom rng = new SplittableRandom(7);
        int flips = 0;
        for (int i = 0; i < 4000; i++) {
            Image img = indexed(1, 1, 2);
            if (t.apply(img, rng).get(0, 0, 0) == 1f) {
                flips++;
            }
        }
        assertThat(flips / 4000.0).isCloseTo(0.5, within(0.03));
    }

    @Test
    void randomCropKeepsContentAndPaddedFill() {
        RandomCrop crop = new RandomCrop(6, 2, -1f);
        SplittableRandom rng = new SplittableRandom(3);
        boolean sawCorner = false;
        for (int t = 0; t < 300; t++) {
            Image in = indexed(2, 6, 6);
            CropBox b = crop.sample(6, 6, new SplittableRandom(t));
            Image out = crop.apply(in, new SplittableRandom(t));
            assertThat(b.top()).isBetween(-2, 2);
            assertThat(b.left()).isBetween(-2, 2);
            assertThat(out.channels()).isEqualTo(2);
            assertThat(out.height()).isEqualTo(6);
            assertThat(out.width()).isEqualTo(6);
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 6; y++) {
                    for (int x = 0; x < 6; x++) {
                        int sy = y + b.top();
                        int sx = x + b.left();
                        float expected = sy < 0 || sy >= 6 || sx < 0 || sx >= 6
                                ? -1f : 1000 * c + 10 * sy + sx;
                        assertThat(out.get(c, y, x)).isEqualTo(expected);
                    }
                }
            }
            sawCorner |= b.top() == -2 && b.left() == 2;
        }
        assertThat(sawCorner).as("every offset in [-2, 2] is reachable").isTrue();
        // no padding, same size: identity
        assertThat(new RandomCrop(4, 0, 0f).apply(indexed(1, 4, 4), rng)).isEqualTo(indexed(1, 4, 4));
    }

    @Test
    void bilinearResizeKnownValues() {
        // downscale a ramp: sources at 0.5 and 2.5
        Image ramp = new Image(1, 1, 4, new float[] {0, 1, 2, 3});
        assertThat(ImageKernels.resizeBilinear(ramp, 0, 0, 1, 4, 1, 2).data()).containsExactly(0.5f, 2.5f);
        // upscale [0, 1] to 4: PyTorch gives [0, 0.25, 0.75, 1] (clamped at the edges)
        Image two = new Image(1, 1, 2, new float[] {0, 1});
        assertThat(ImageKernels.resizeBilinear(two, 0, 0, 1, 2, 1, 4).data())
                .containsExactly(0f, 0.25f, 0.75f, 1f);
        // 2-D linear function 10y + x, 4x4 -> 2x2 samples (0.5, 0.5), (0.5, 2.5), ...
        Image grid = indexed(2, 4, 4);
        Image small = ImageKernels.resizeBilinear(grid, 0, 0, 4, 4, 2, 2);
        assertThat(small.data()).containsExactly(5.5f, 7.5f, 25.5f, 27.5f,
                1005.5f, 1007.5f, 1025.5f, 1027.5f);
        // constant stays constant, at any size
        Image constant = new Image(1, 3, 5, new float[15]);
        java.util.Arrays.fill(constant.data(), 0.7f);
        for (float v : ImageKernels.resizeBilinear(constant, 0, 0, 3, 5, 7, 2).data()) {
            assertThat(v).isCloseTo(0.7f, within(1e-6f));
        }
        // a window of the image: 2x2 window at (1, 1) upscaled to 4x4 keeps its corners
        Image win = ImageKernels.resizeBilinear(grid, 1, 1, 2, 2, 4, 4);
        assertThat(win.get(0, 0, 0)).isEqualTo(11f);
        assertThat(win.get(0, 3, 3)).isEqualTo(22f);
        assertThat(win.get(0, 1, 2)).isCloseTo(11f + 10 * 0.25f + 0.75f, within(1e-5f));
    }

    @Test
    void resizeToSameSizeIsIdentity() {
        Image img = indexed(3, 5, 7);
        assertThat(ImageKernels.resizeBilinear(img.copy(), 0, 0, 5, 7, 5, 7)).isEqualTo(img);
        assertThat(new Resize(5).apply(img.copy(), null)).isEqualTo(img);
        // whole-image RandomResizedCrop at the same size is the identity too
        RandomResizedCrop whole = new RandomResizedCrop(6, 1, 1, 1, 1);
        assertThat(whole.apply(indexed(1, 6, 6), new SplittableRandom(1)))
                .isEqualTo(indexed(1, 6, 6));
    }

    @Test
    void resizeAndCenterCropSizes() {
        Resize r = new Resize(256);
        assertThat(r.outputSize(375, 500)).containsExactly(256, 341);
        assertThat(r.outputSize(500, 333)).containsExactly(384, 256);
        assertThat(r.outputSize(256, 256)).containsExactly(256, 256);
        assertThat(new Resize(5).outputSize(7, 3)).containsExactly(11, 5);
        assertThat(new Resize(5).outputSize(3, 7)).containsExactly(5, 11);
        assertThat(new Resize(3).outputSize(1, 1000)).containsExactly(3, 3000);

        Image img = new Resize(5).apply(indexed(2, 7, 3), null);
        assertThat(new int[] {img.channels(), img.height(), img.width()}).containsExactly(2, 11, 5);

        // centre offsets: round half to even, as Python
        CenterCrop cc = new CenterCrop(224);
        assertThat(cc.box(256, 341)).isEqualTo(new CropBox(16, 58, 224, 224));
        assertThat(new CenterCrop(2).box(5, 5)).isEqualTo(new CropBox(2, 2, 2, 2)); // round(1.5)
        assertThat(new CenterCrop(2).box(7, 7)).isEqualTo(new CropBox(2, 2, 2, 2)); // round(2.5)
        Image cropped = new CenterCrop(3, 2).apply(indexed(1, 5, 5), null);
        assertThat(cropped.data()).containsExactly(12, 13, 22, 23, 32, 33); // left = round(1.5) = 2

        // larger than the image: zero padding, (out - in) / 2 before
        Image padded = new CenterCrop(4).apply(new Image(1, 2, 2, new float[] {1, 2, 3, 4}), null);
        assertThat(padded.data()).containsExactly(0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0);
        Image odd = new CenterCrop(3).apply(new Image(1, 2, 2, new float[] {1, 2, 3, 4}), null);
        assertThat(odd.data()).containsExactly(1, 2, 0, 3, 4, 0, 0, 0, 0);

        // the evaluation pipeline
        Transform eval = Transforms.compose(new Resize(8), new CenterCrop(7));
        Image out = eval.apply(indexed(3, 9, 13), null);
        assertThat(new int[] {out.channels(), out.height(), out.width()}).containsExactly(3, 7, 7);
    }

    @Test
    void normalizeValues() {
        Image img = new Image(3, 1, 2, new float[] {0.4914f, 1f, 0.4822f, 0f, 0.4465f, 0.5f});
        Normalize.CIFAR10.apply(img, null);
        assertThat(img.data()[0]).isEqualTo(0f);
        assertThat(img.data()[1]).isEqualTo((1f - 0.4914f) / 0.2470f);
        assertThat(img.data()[2]).isEqualTo(0f);
        assertThat(img.data()[3]).isEqualTo(-0.4822f / 0.2435f);
        assertThat(img.data()[5]).isEqualTo((0.5f - 0.4465f) / 0.2616f);

        Image gray = new Image(1, 1, 2, new float[] {0.2860f, 0.639f});
        Normalize.FASHION_MNIST.apply(gray, null);
        assertThat(gray.data()[0]).isEqualTo(0f);
        assertThat(gray.data()[1]).isCloseTo(1f, within(1e-6f));

        assertThat(Normalize.IMAGENET.mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(Normalize.IMAGENET.std()).containsExactly(0.229f, 0.224f, 0.225f);
        // one statistic applies to every channel
        Image two = new Image(2, 1, 1, new float[] {1f, 3f});
        new Normalize(new float[] {1f}, new float[] {2f}).apply(two, null);
        assertThat(two.data()).containsExactly(0f, 1f);
    }
}
