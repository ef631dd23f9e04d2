package org.visionzoo.training.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BatchMixTest {

    private static final int N = 5;
    private static final int C = 2;
    private static final int H = 8;
    private static final int W = 10;
    private static final int PER = C * H * W;
    private static final int K = 4;
    private static final int[] LABELS = {0, 3, 1, 1, 2};

    /** Image {@code i} has distinct values {@code 1000 * (i + 1) + k}. */
    private static float[] batch() {
        float[] x = new float[N * PER];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < PER; k++) {
                x[i * PER + k] = 1000 * (i + 1) + k;
            }
        }
        return x;
    }

    private static void checkTargets(MixedBatch m) {
        assertThat(m.numClasses()).isEqualTo(K);
        assertThat(m.targets()).hasSize(N * K);
        assertThat(m.lambda()).isBetween(0.0, 1.0);
        for (int i = 0; i < N; i++) {
            double sum = 0;
            for (int k = 0; k < K; k++) {
                float t = m.targets()[i * K + k];
                assertThat(t).isBetween(0f, 1f);
                sum += t;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-6));
            int prev = LABELS[(i + N - 1) % N];
            if (prev != LABELS[i]) {
                assertThat((double) m.targets()[i * K + LABELS[i]])
                        .isCloseTo(m.lambda(), within(1e-6));
                assertThat((double) m.targets()[i * K + prev])
                        .isCloseTo(1 - m.lambda(), within(1e-6));
            } else {
                assertThat(m.targets()[i * K + prev]).isCloseTo(1f, within(1e-6f));
            }
        }
    }

    @Test
    void mixupBlendsWithRolledBatch() {
        Mixup mix = new Mixup(0.4, K);
        for (long seed = 0; seed < 50; seed++) {
            float[] orig = batch();
            float[] x = batch();
            MixedBatch m = mix.apply(x, LABELS, C, H, W, new SplittableRandom(seed));
            checkTargets(m);
            assertThat(m.box()).isNull();
            float lam = (float) m.lambda();
            for (int i = 0; i < N; i++) {
                int prev = (i + N - 1) % N;
                for (int k = 0; k < PER; k++) {
                    float expected = lam * orig[i * PER + k] + (float) (1 - m.lambda())
                            * orig[prev * PER + k];
                    assertThat(x[i * PER + k]).isCloseTo(expected, within(1e-2f));
                }
            }
        }
    }

    @Test
    void cutMixPastesABoxFromTheRolledBatch() {
        CutMix cut = new CutMix(1.0, K);
        boolean sawPartial = false;
        for (long seed = 0; seed < 200; seed++) {
            float[] orig = batch();
            float[] x = batch();
            MixedBatch m = cut.apply(x, LABELS, C, H, W, new SplittableRandom(seed));
            checkTargets(m);
            CropBox b = m.box();
            assertThat(b.top()).isBetween(0, H);
            assertThat(b.left()).isBetween(0, W);
            assertThat(b.top() + b.height()).isLessThanOrEqualTo(H);
            assertThat(b.left() + b.width()).isLessThanOrEqualTo(W);
            for (int i = 0; i < N; i++) {
                int prev = (i + N - 1) % N;
                int fromOther = 0;
                for (int c = 0; c < C; c++) {
                    for (int y = 0; y < H; y++) {
                        for (int xx = 0; xx < W; xx++) {
                            int k = (c * H + y) * W + xx;
                            boolean inBox = y >= b.top() && y < b.top() + b.height()
                                    && xx >= b.left() && xx < b.left() + b.width();
                            float v = x[i * PER + k];
                            assertThat(v).isEqualTo(inBox ? orig[prev * PER + k] : orig[i * PER + k]);
                            fromOther += inBox ? 1 : 0;
                        }
                    }
                }
                // lambda is the kept area fraction
                assertThat(1.0 - fromOther / (double) PER).isCloseTo(m.lambda(), within(1e-12));
            }
            sawPartial |= m.lambda() > 0 && m.lambda() < 1;
        }
        assertThat(sawPartial).isTrue();
    }

    @Test
    void cutMixBoxFollowsLambda() {
        SplittableRandom rng = new SplittableRandom(3);
        // lambda = 1: empty box; lambda = 0: half-sides of W/2, H/2 around a random centre
        assertThat(CutMix.box(1.0, 32, 32, rng).area()).isZero();
        for (int i = 0; i < 100; i++) {
            CropBox b = CutMix.box(0.0, 32, 32, rng);
            assertThat(b.height()).isBetween(16, 32);
            assertThat(b.width()).isBetween(16, 32);
        }
        // the box area matches 1 - lambda on average once clipping is rare (centre near middle)
        CropBox full = CutMix.box(0.75, 40, 40, new SplittableRandom(0));
        assertThat(full.height()).isLessThanOrEqualTo(20);
    }

    @Test
    void batchSizeOneMixesWithItself() {
        float[] x = {1f, 2f, 3f, 4f};
        MixedBatch m = new Mixup(1.0, 3).apply(x, new int[] {2}, 1, 2, 2, new SplittableRandom(1));
        assertThat(x[0]).isCloseTo(1f, within(1e-6f));
        assertThat(x[3]).isCloseTo(4f, within(1e-6f));
        assertThat(m.targets()[2]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void randomChoiceUsesBoth() {
        BatchTransform either = BatchTransform.randomChoice(new Mixup(1, K), new CutMix(1, K));
        SplittableRandom rng = new SplittableRandom(8);
        int cut = 0;
        for (int i = 0; i < 200; i++) {
            if (either.apply(batch(), LABELS, C, H, W, rng).box() != null) {
                cut++;
            }
        }
        assertThat(cut).isBetween(70, 130);
    }

    @Test
    void betaAndGammaMoments() {
        SplittableRandom rng = new SplittableRandom(42);
        double[][] cases = {{0.2, 0.2}, {1, 1}, {2, 5}, {0.5, 3}};
        for (double[] ab : cases) {
            double a = ab[0];
            double b = ab[1];
            int n = 40000;
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double v = RandomDistributions.beta(a, b, rng);
                assertThat(v).isBetween(0.0, 1.0);
                sum += v;
                sumSq += v * v;
            }
            double mean = sum / n;
            double var = sumSq / n - mean * mean;
            double s = a + b;
            assertThat(mean).as("mean of Beta(%s, %s)", a, b).isCloseTo(a / s, within(0.01));
            assertThat(var).as("variance of Beta(%s, %s)", a, b)
                    .isCloseTo(a * b / (s * s * (s + 1)), within(0.1 * a * b / (s * s * (s + 1))));
        }
        for (double shape : new double[] {0.3, 1, 4.5}) {
            double sum = 0;
            for (int i = 0; i < 40000; i++) {
                sum += RandomDistributions.gamma(shape, rng);
            }
            assertThat(sum / 40000).as("mean of Gamma(%s)", shape)
                    .isCloseTo(shape, within(0.03 * Math.max(1, shape)));
        }
        // tiny shapes do not produce NaN
        for (int i = 0; i < 1000; i++) {
            assertThat(RandomDistributions.beta(0.01, 0.01, rng)).isBetween(0.0, 1.0);
        }
    }
}
