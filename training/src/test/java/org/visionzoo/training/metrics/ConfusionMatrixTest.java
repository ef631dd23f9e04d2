package org.visionzoo.training.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

class ConfusionMatrixTest {

    @Test
    void countsAccuracyAndTable() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConfusionMatrix cm = new ConfusionMatrix(3);
            // predictions by arg-max: 0, 0, 1, 1, 2, 1
            NDArray logits = m.create(new float[] {
                5, 1, 0,
                2, 1, 0,
                0, 3, 1,
                0, 3, 1,
                0, 1, 4,
                1, 2, 0,
            }, new Shape(6, 3));
            cm.update(logits, m.create(new long[] {0, 1, 1, 1, 1, 0}));
            cm.updatePredictions(m.create(new int[] {0}), m.create(new int[] {0}));
            cm.add(0, 0);
            // actual 0: predicted 0,1,0,0 -> [3, 1, 0]; actual 1: 0,1,1,2 -> [1, 2, 1]; class 2: none
            assertThat(cm.counts()).isDeepEqualTo(new long[][] {{3, 1, 0}, {1, 2, 1}, {0, 0, 0}});
            assertThat(cm.count(1, 2)).isEqualTo(1);
            assertThat(cm.total()).isEqualTo(8);
            assertThat(cm.accuracy()).isEqualTo(5.0 / 8);
            double[] pc = cm.perClassAccuracy();
            assertThat(pc[0]).isEqualTo(0.75);
            assertThat(pc[1]).isEqualTo(0.5);
            assertThat(pc[2]).isNaN();
            double[] prec = cm.precision();
            assertThat(prec[0]).isEqualTo(0.75);
            assertThat(prec[1]).isEqualTo(2.0 / 3);
            assertThat(prec[2]).isEqualTo(0.0);

            String table = cm.toTable(List.of("cat", "dog", "bird"));
            assertThat(table).isEqualTo(String.join("\n",
                    "actual \\ predicted   cat   dog  bird   recall",
                    "cat                    3     1     0   75.00%",
                    "dog                    1     2     1   50.00%",
                    "bird                   0     0     0        -",
                    "accuracy 62.50% (5/8)", ""));
            // every line but the last has the same width
            List<String> lines = Arrays.asList(table.split("\n"));
            assertThat(lines.subList(0, 4)).allMatch(l -> l.length() == lines.get(0).length());
            assertThat(cm.toTable()).startsWith("actual \\ predicted  0  1  2   recall\n");

            String wide = cm.toTable(List.of("a-very-long-class-name", "b", "c"));
            assertThat(wide.split("\n")[1]).isEqualTo(
                    "a-very-long-class-name  " + " ".repeat(21) + "3  " + " ".repeat(21) + "1  "
                            + " ".repeat(21) + "0   75.00%");
            cm.reset();
            assertThat(cm.total()).isZero();
            assertThat(cm.accuracy()).isNaN();
        }
    }

    @Test
    void rejectsBadInputWithoutCounting() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConfusionMatrix cm = new ConfusionMatrix(3);
            NDArray logits = m.zeros(new Shape(2, 3));
            assertThatThrownBy(() -> cm.update(logits, m.create(new long[] {0, 3})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value 3")
                    .hasMessageContaining("[0, 3)");
            assertThatThrownBy(() -> cm.update(logits, m.create(new long[] {0})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2, 3)")
                    .hasMessageContaining("(1)");
            assertThatThrownBy(() -> cm.update(m.zeros(new Shape(2, 4)), m.create(new long[] {0, 1})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2, 4)");
            assertThatThrownBy(() -> cm.updatePredictions(m.create(new long[] {0, 5}), m.create(new long[] {0, 1})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("predicted value 5");
            assertThatThrownBy(() -> cm.updatePredictions(m.create(new long[] {0, 1}), m.create(new long[] {0})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1)");
            assertThatThrownBy(() -> cm.add(3, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(cm.total()).isZero();
            assertThatThrownBy(() -> cm.toTable(List.of("a", "b"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2 names for 3 classes");
            assertThatThrownBy(() -> cm.toTable(List.of("a", "b\nc", "d")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
            assertThatThrownBy(() -> new ConfusionMatrix(0)).hasMessageContaining("numClasses")
                    .hasMessageContaining(": 0");
        }
    }
}
