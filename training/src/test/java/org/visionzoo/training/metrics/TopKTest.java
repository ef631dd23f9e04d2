package org.visionzoo.training.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void handComputedTop1AndTop5() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 6 classes; rank of the true class (0 = best) per row: 0, 1, 4, 5, 1
            NDArray logits = m.create(new float[] {
                9, 1, 2, 3, 4, 5, // label 0: rank 0
                1, 8, 9, 3, 4, 5, // label 1: rank 1
                6, 5, 4, 3, 2, 1, // label 4: rank 4
                6, 5, 4, 3, 2, 1, // label 5: rank 5
                0, 0, 1, 2, 3, 0, // label 3: rank 1 (only class 4 scores higher)
            }, new Shape(5, 6));
            NDArray labels = m.create(new long[] {0, 1, 4, 5, 3});
            TopK acc = TopK.top1Top5();
            acc.update(logits, labels);
            assertThat(acc.count()).isEqualTo(5);
            assertThat(acc.correct(1)).isEqualTo(1);
            assertThat(acc.correct(5)).isEqualTo(4);
            assertThat(acc.accuracy(1)).isEqualTo(0.2);
            assertThat(acc.accuracy(5)).isEqualTo(0.8);
            // a second batch accumulates: int32 labels, float64 logits, 2 of 2 top-1
            acc.update(m.create(new double[] {0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, new Shape(2, 6)),
                    m.create(new int[] {1, 0}));
            assertThat(acc.count()).isEqualTo(7);
            assertThat(acc.correct(1)).isEqualTo(3);
            assertThat(acc.correct(5)).isEqualTo(6);
            assertThat(acc.ks()).containsExactly(1, 5);
            acc.reset();
            assertThat(acc.count()).isZero();
            assertThat(acc.accuracy(1)).isNaN();
        }
    }

    @Test
    void tiesFavourTheTrueClassAndNanCountsAsHigher() {
        try (NDManager m = NDManager.newBaseManager()) {
            TopK acc = TopK.of(1, 2);
            acc.update(m.create(new float[] {1, 1, 1, Float.NaN, 0, 1, Float.NaN, 0, 0},
                    new Shape(3, 3)), m.create(new long[] {2, 2, 0}));
            // row 0: tie -> top-1; row 1: NaN is above -> rank 1; row 2: NaN true logit -> never
            assertThat(acc.correct(1)).isEqualTo(1);
            assertThat(acc.correct(2)).isEqualTo(2);
        }
    }

    @Test
    void rejectsBadInputWithoutCounting() {
        try (NDManager m = NDManager.newBaseManager()) {
            TopK acc = TopK.top1Top5();
            NDArray logits3 = m.zeros(new Shape(2, 3));
            assertThatThrownBy(() -> acc.update(logits3, m.create(new long[] {0, 1})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k=5")
                    .hasMessageContaining("K=3");
            NDArray logits = m.zeros(new Shape(2, 6));
            assertThatThrownBy(() -> acc.update(logits, m.create(new long[] {0, 6})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6")
                    .hasMessageContaining("[0, 6)");
            assertThatThrownBy(() -> acc.update(logits, m.create(new long[] {-1, 0})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
            assertThatThrownBy(() -> acc.update(logits, m.create(new long[] {0, 1, 2})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2, 6)")
                    .hasMessageContaining("(3)");
            assertThatThrownBy(() -> acc.update(logits, m.zeros(new Shape(2))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32");
            assertThatThrownBy(() -> acc.update(m.zeros(new Shape(6)), m.create(new long[] {0})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(N, K)");
            assertThatThrownBy(() -> acc.update(m.zeros(new Shape(2, 6), DataType.INT32),
                    m.create(new long[] {0, 1}))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("floating");
            assertThat(acc.count()).isZero();
            assertThatThrownBy(() -> acc.accuracy(3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("k=3");
            assertThatThrownBy(() -> TopK.of()).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> TopK.of(0)).hasMessageContaining("k must be >= 1: 0");
            assertThatThrownBy(() -> TopK.of(1, 1)).hasMessageContaining("duplicate k: 1");
        }
    }

    @Test
    void keepsNoArraysAndIgnoresGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.randomNormal(new Shape(32, 10));
            logits.setRequiresGradient(true);
            NDArray labels = m.randomInteger(0, 10, new Shape(32), DataType.INT64);
            TopK acc = TopK.top1Top5();
            ConfusionMatrix cm = new ConfusionMatrix(10);
            RunningMean mean = new RunningMean();
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 2000; i++) {
                acc.update(logits, labels);
                cm.update(logits, labels);
                mean.add(logits);
            }
            assertThat(m.getManagedArrays()).hasSize(before);
            assertThat(acc.count()).isEqualTo(64_000);
            assertThat(cm.total()).isEqualTo(64_000);
            assertThat(mean.count()).isEqualTo(640_000);
            assertThat(acc.correct(5)).isGreaterThanOrEqualTo(acc.correct(1));
            assertThat(acc.accuracy(1)).isEqualTo(cm.accuracy());
        }
    }
}
