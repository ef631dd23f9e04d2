package org.visionzoo.training.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class RunningMeanTest {

    @Test
    void weightedMeanOfValuesAndArrays() {
        RunningMean r = new RunningMean();
        assertThat(r.mean()).isNaN();
        r.add(1.0);
        r.add(4.0, 3);
        assertThat(r.count()).isEqualTo(4);
        assertThat(r.sum()).isEqualTo(13.0);
        assertThat(r.mean()).isEqualTo(3.25);
        try (NDManager m = NDManager.newBaseManager()) {
            r.add(m.create(new float[] {1, 2, 3}));
            r.add(m.create(2.5f), 2);
            r.add(m.create(new int[] {7}));
            int before = m.getManagedArrays().size();
            r.add(m.create(0.5f));
            assertThat(m.getManagedArrays()).hasSize(before + 1);
        }
        assertThat(r.count()).isEqualTo(11);
        assertThat(r.sum()).isEqualTo(13 + 6 + 5 + 7 + 0.5);
        r.reset();
        assertThat(r.count()).isZero();
        assertThat(r.sum()).isZero();
    }

    @Test
    void compensatedSumAndValidation() {
        RunningMean r = new RunningMean();
        for (int i = 0; i < 1_000_000; i++) {
            r.add(0.1);
        }
        assertThat(r.mean()).isEqualTo(0.1);
        assertThatThrownBy(() -> r.add(1.0, 0)).hasMessageContaining("weight must be >= 1: 0");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> r.add(m.zeros(new Shape(2)), 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2)");
            assertThatThrownBy(() -> r.add(m.create(new boolean[] {true})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("boolean");
        }
        r.add(Double.NaN);
        assertThat(r.mean()).isNaN();
    }
}
