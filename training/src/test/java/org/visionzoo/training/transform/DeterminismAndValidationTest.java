package org.visionzoo.training.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class DeterminismAndValidationTest {

    private static final Transform TRAIN = Transforms.compose(
            new RandomResizedCrop(24),
            new RandomHorizontalFlip(0.5),
            Normalize.CIFAR10,
            new RandomErasing());

    private static final Transform CIFAR = Transforms.compose(
            new RandomCrop(32, 4, 0f), new RandomHorizontalFlip(0.5), Normalize.CIFAR10);

    private static Image sample(int i) {
        byte[] px = new byte[3 * 32 * 32];
        new SplittableRandom(1000 + i).nextBytes(px);
        return Image.fromU8(px, 3, 32, 32);
    }

    @Test
    void sameSeedSameOutputDifferentSeedsDiffer() {
        for (Transform t : List.of(TRAIN, CIFAR)) {
            Image a = t.apply(sample(0), new SplittableRandom(77));
            Image b = t.apply(sample(0), new SplittableRandom(77));
            Image c = t.apply(sample(0), new SplittableRandom(78));
            assertThat(a).isEqualTo(b);
            assertThat(a).isNotEqualTo(c);
        }
        float[] x1 = new float[4 * 3 * 4 * 4];
        float[] x2 = new float[x1.length];
        for (int i = 0; i < x1.length; i++) {
            x1[i] = x2[i] = i;
        }
        int[] y = {0, 1, 2, 3};
        MixedBatch m1 = new CutMix(1, 4).apply(x1, y, 3, 4, 4, new SplittableRandom(5));
        MixedBatch m2 = new CutMix(1, 4).apply(x2, y, 3, 4, 4, new SplittableRandom(5));
        assertThat(x1).containsExactly(x2);
        assertThat(m1.targets()).containsExactly(m2.targets());
        assertThat(m1.lambda()).isEqualTo(m2.lambda());
    }

    @Test
    void composeRunsInOrderAndRandomApplyHasItsProbability() {
        Transform addOne = (in, rng) -> {
            in.data()[0] += 1;
            return in;
        };
        Transform twice = (in, rng) -> {
            in.data()[0] *= 2;
            return in;
        };
        Image x = Transforms.compose(addOne, twice).apply(new Image(1, 1, 1, new float[] {3}), null);
        assertThat(x.data()[0]).isEqualTo(8f);
        Transform maybe = Transforms.randomApply(0.25, addOne);
        SplittableRandom rng = new SplittableRandom(12);
        int applied = 0;
        for (int i = 0; i < 4000; i++) {
            applied += (int) maybe.apply(Image.zeros(1, 1, 1), rng).data()[0];
        }
        assertThat(applied / 4000.0).isBetween(0.22, 0.28);
    }

    @Test
    void threadSafeWithPerSampleSeeds() {
        List<Image> sequential = IntStream.range(0, 64)
                .mapToObj(i -> TRAIN.apply(sample(i), new SplittableRandom(i)))
                .collect(Collectors.toList());
        List<Image> parallel = IntStream.range(0, 64).parallel()
                .mapToObj(i -> TRAIN.apply(sample(i), new SplittableRandom(i)))
                .collect(Collectors.toList());
        assertThat(parallel).isEqualTo(sequential);
    }

    @Test
    void invalidArgumentsNameFieldAndValue() {
        assertThatThrownBy(() -> new RandomHorizontalFlip(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> new RandomCrop(0, 4, 0f)).hasMessageContaining("height")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new RandomCrop(32, -1, 0f)).hasMessageContaining("padding")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new RandomCrop(32, 0, Float.NaN)).hasMessageContaining("fill")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> new RandomCrop(40, 2, 0f).apply(Image.zeros(1, 32, 32),
                new SplittableRandom(1))).hasMessageContaining("40x40")
                .hasMessageContaining("36x36");
        assertThatThrownBy(() -> new RandomResizedCrop(224, 0.5, 0.1, 0.75, 1.33))
                .hasMessageContaining("scale").hasMessageContaining("0.5")
                .hasMessageContaining("0.1");
        assertThatThrownBy(() -> new RandomResizedCrop(224, 0.08, 1, -1, 1.33))
                .hasMessageContaining("ratio").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> new Resize(-3)).hasMessageContaining("size")
                .hasMessageContaining("-3");
        assertThatThrownBy(() -> new CenterCrop(5, 0)).hasMessageContaining("width")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new Normalize(new float[] {0.5f}, new float[] {0f}))
                .hasMessageContaining("std[0]").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new Normalize(new float[] {0.5f, 0.5f}, new float[] {1f}))
                .hasMessageContaining("2").hasMessageContaining("1");
        assertThatThrownBy(() -> Normalize.CIFAR10.apply(Image.zeros(2, 1, 1), null))
                .hasMessageContaining("channels=2");
        assertThatThrownBy(() -> new RandomErasing(-0.1, 0.02, 0.33, 0.3, 3.3, new float[] {0}))
                .hasMessageContaining("p").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> new RandomErasing(0.5, 0.02, 1.5, 0.3, 3.3, new float[] {0}))
                .hasMessageContaining("scale").hasMessageContaining("1.5");
        assertThatThrownBy(() -> new Image(3, 2, 2, new float[11]))
                .hasMessageContaining("data.length").hasMessageContaining("12")
                .hasMessageContaining("11");
        assertThatThrownBy(() -> Image.zeros(3, -2, 2)).hasMessageContaining("height")
                .hasMessageContaining("-2");
        assertThatThrownBy(() -> Image.fromU8(new byte[5], 1, 2, 3))
                .hasMessageContaining("chw.length").hasMessageContaining("5");
        assertThatThrownBy(() -> new Mixup(0, 10)).hasMessageContaining("alpha")
                .hasMessageContaining("0.0");
        assertThatThrownBy(() -> new CutMix(1, 0)).hasMessageContaining("numClasses")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new CutMix(1, 3).apply(new float[8], new int[] {0, 3}, 1, 2, 2,
                new SplittableRandom(1))).hasMessageContaining("labels[1]")
                .hasMessageContaining("3");
        assertThatThrownBy(() -> new Mixup(1, 3).apply(new float[7], new int[] {0, 1}, 1, 2, 2,
                new SplittableRandom(1))).hasMessageContaining("images.length")
                .hasMessageContaining("7");
        assertThatThrownBy(() -> RandomDistributions.beta(1, Double.NaN, new SplittableRandom(1)))
                .hasMessageContaining("b").hasMessageContaining("NaN");
        assertThatThrownBy(() -> Transforms.randomApply(2, Transforms.identity()))
                .hasMessageContaining("p").hasMessageContaining("2.0");
    }
}
