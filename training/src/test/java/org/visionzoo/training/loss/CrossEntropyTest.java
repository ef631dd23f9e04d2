package org.visionzoo.training.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

/** Validation, input types, hand-checked values and flat memory of {@link CrossEntropy}. */
class CrossEntropyTest {

    @Test
    void builderRejectsBadOptionsNamingFieldAndValue() {
        assertThatThrownBy(() -> CrossEntropy.builder().labelSmoothing(1f).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labelSmoothing")
                .hasMessageContaining("1.0");
        assertThatThrownBy(() -> CrossEntropy.builder().labelSmoothing(-0.1f).build())
                .hasMessageContaining("labelSmoothing").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> CrossEntropy.builder().labelSmoothing(Float.NaN).build())
                .hasMessageContaining("labelSmoothing").hasMessageContaining("NaN");
        assertThatThrownBy(() -> CrossEntropy.builder().reduction(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reduction");
        CrossEntropy d = CrossEntropy.create();
        assertThat(d.labelSmoothing()).isZero();
        assertThat(d.reduction()).isEqualTo(CrossEntropy.Reduction.MEAN);
    }

    @Test
    void rejectsShapeAndTypeMismatchesNamingBothShapes() {
        CrossEntropy ce = CrossEntropy.create();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(4, 3));
            assertThatThrownBy(() -> ce.compute(logits, m.zeros(new Shape(5), DataType.INT64)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(4, 3)").hasMessageContaining("(5)");
            assertThatThrownBy(() -> ce.compute(logits, m.zeros(new Shape(4, 2))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(4, 3)").hasMessageContaining("(4, 2)");
            assertThatThrownBy(() -> ce.compute(m.zeros(new Shape(4)), m.zeros(new Shape(4), DataType.INT64)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(N, K)")
                    .hasMessageContaining("(4)");
            assertThatThrownBy(() -> ce.compute(logits, m.zeros(new Shape(4))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32")
                    .hasMessageContaining("(4, 3)").hasMessageContaining("(4)");
            assertThatThrownBy(() -> ce.compute(logits, m.zeros(new Shape(4, 3), DataType.FLOAT64)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float64")
                    .hasMessageContaining("(4, 3)");
            assertThatThrownBy(() -> ce.compute(m.zeros(new Shape(4, 3), DataType.INT32),
                    m.zeros(new Shape(4), DataType.INT64)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("floating");
            assertThatThrownBy(() -> ce.compute(logits, m.create(new long[] {0, 1, 3, 2})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class index 3")
                    .hasMessageContaining("[0, 3)");
            assertThatThrownBy(() -> ce.compute(logits, m.create(new int[] {0, -1, 2, 2})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class index -1");
            assertThatThrownBy(() -> ce.compute(m.zeros(new Shape(0, 3)), m.zeros(new Shape(0), DataType.INT64)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void handComputedValuesAndIntegerTypes() {
        try (NDManager m = NDManager.newBaseManager()) {
            // uniform logits over K=4: loss = ln 4 whatever the target or smoothing
            NDArray uniform = m.zeros(new Shape(2, 4));
            for (DataType t : new DataType[] {DataType.INT64, DataType.INT32, DataType.UINT8, DataType.INT8}) {
                NDArray y = m.create(new int[] {1, 3}).toType(t, false);
                try (NDArray l = CrossEntropy.builder().labelSmoothing(0.3f).build().compute(uniform, y)) {
                    assertThat(l.getFloat()).as("%s", t).isCloseTo((float) Math.log(4), org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
            // logits (0, ln 3): p = (1/4, 3/4); target 0 -> ln 4, target 1 -> ln(4/3)
            NDArray logits = m.create(new double[] {0, Math.log(3), 0, Math.log(3)}, new Shape(2, 2));
            NDArray y = m.create(new long[] {0, 1});
            try (NDArray l = CrossEntropy.builder().reduction(CrossEntropy.Reduction.NONE).build()
                    .compute(logits, y)) {
                assertThat(l.getDataType()).isEqualTo(DataType.FLOAT64);
                assertThat(l.toDoubleArray()).containsExactly(new double[] {Math.log(4), Math.log(4.0 / 3)},
                        org.assertj.core.data.Offset.offset(1e-12));
            }
            // the same as soft one-hot targets, summed
            NDArray soft = m.create(new double[] {1, 0, 0, 1}, new Shape(2, 2));
            try (NDArray l = CrossEntropy.builder().reduction(CrossEntropy.Reduction.SUM).build()
                    .compute(logits, soft)) {
                assertThat(l.getDouble()).isCloseTo(Math.log(4) + Math.log(4.0 / 3),
                        org.assertj.core.data.Offset.offset(1e-12));
            }
            // huge logits stay finite
            NDArray big = m.create(new float[] {1e4f, -1e4f, 0f, 0f}, new Shape(2, 2));
            try (NDArray l = CrossEntropy.create().compute(big, m.create(new long[] {1, 0}))) {
                assertThat(l.getFloat()).isCloseTo((2e4f + (float) Math.log(2)) / 2,
                        org.assertj.core.data.Offset.offset(1e-2f));
            }
        }
    }

    @Test
    void callerArraysSurviveAndResultBelongsToLogitsManager() {
        try (NDManager m = NDManager.newBaseManager(); NDManager other = m.newSubManager()) {
            NDArray logits = m.randomNormal(new Shape(3, 5));
            NDArray y = other.create(new long[] {0, 4, 2});
            try (NDArray l = CrossEntropy.create().compute(logits, y)) {
                assertThat(l.getManager()).isSameAs(m);
            }
            assertThat(y.toLongArray()).containsExactly(0, 4, 2);
            assertThat(logits.getShape()).isEqualTo(new Shape(3, 5));
            assertThat(other.getManagedArrays()).hasSize(1);
        }
    }

    private static void assertFlat(NDManager m, CrossEntropy ce, NDArray logits, NDArray target, boolean grad) {
        for (int i = 0; i < 2000; i++) {
            if (i == 10) {
                assertThat(m.getManagedArrays()).hasSize(2);
            }
            if (grad) {
                // DJL's PtGradientCollector.backward(l) leaves a ones-array in l's manager: scope it
                try (NDManager step = m.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = ce.compute(logits, target);
                    l.attach(step);
                    gc.backward(l);
                }
            } else {
                ce.compute(logits, target).close();
            }
        }
        assertThat(m.getManagedArrays()).as("%s %s", ce, target.getShape()).hasSize(2);
    }

    @Test
    void memoryStaysFlatOver2000Calls() {
        CrossEntropy smooth = CrossEntropy.builder().labelSmoothing(0.1f).build();
        CrossEntropy none = CrossEntropy.builder().labelSmoothing(0.1f)
                .reduction(CrossEntropy.Reduction.NONE).build();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.randomNormal(new Shape(16, 10));
            NDArray hard = m.create(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5});
            assertFlat(m, smooth, logits, hard, false);
            assertFlat(m, none, logits, hard, false);
            hard.close();
            NDArray soft = m.randomUniform(0, 1, new Shape(16, 10));
            assertFlat(m, smooth, logits, soft, false);
            logits.setRequiresGradient(true);
            assertFlat(m, smooth, logits, soft, true);
            soft.close();
            NDArray hard64 = m.create(new long[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4});
            assertFlat(m, CrossEntropy.create(), logits, hard64, true);
        }
    }
}
