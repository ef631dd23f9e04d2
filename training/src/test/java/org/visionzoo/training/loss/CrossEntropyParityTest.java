package org.visionzoo.training.loss;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.visionzoo.core.io.TensorData;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@link CrossEntropy} vs torch 1.13's {@code nn.CrossEntropyLoss}: loss values and gradients
 * with respect to the logits (float32, N=8, K=10, including rows with logits near +-90), within
 * {@code 1e-6 * |expected| + 1e-7}.
 */
class CrossEntropyParityTest {

    static final double RTOL = 1e-6;
    static final double ATOL = 1e-7;

    @TempDir static Path dir;
    static Map<String, TensorData> ref;
    static NDManager manager;

    @BeforeAll
    static void runTorch() {
        ref = LossRef.run(dir, "ce", "--seed", "3", "--n", "8", "--k", "10");
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        if (manager != null) {
            manager.close();
        }
    }

    static CrossEntropy loss(String name) {
        CrossEntropy.Reduction r = name.endsWith("_sum") ? CrossEntropy.Reduction.SUM
                : name.endsWith("_none") ? CrossEntropy.Reduction.NONE : CrossEntropy.Reduction.MEAN;
        return CrossEntropy.builder().labelSmoothing(name.contains("smooth") ? 0.1f : 0f)
                .reduction(r).build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hard_mean", "hard_smooth_mean", "hard_sum", "hard_none",
        "hard_smooth_sum", "hard_smooth_none", "soft_mean", "soft_sum", "soft_none",
        "soft_smooth_mean"})
    void matchesTorch(String name) {
        try (NDManager m = manager.newSubManager()) {
            NDArray logits = LossRef.floats(m, ref.get("logits"));
            NDArray target = name.startsWith("hard") ? LossRef.longs(m, ref.get("hard"))
                    : LossRef.floats(m, ref.get("soft"));
            logits.setRequiresGradient(true);
            CrossEntropy ce = loss(name);
            float[] value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = ce.compute(logits, target);
                assertThat(l.getShape().dimension()).isEqualTo(name.endsWith("_none") ? 1 : 0);
                value = l.toFloatArray();
                gc.backward(ce.reduction() == CrossEntropy.Reduction.NONE ? l.sum() : l);
            }
            TensorData expected = ref.get(name + "__loss");
            for (float v : value) {
                assertThat(Float.isFinite(v)).as("%s loss is finite", name).isTrue();
            }
            LossRef.assertClose(name + " loss", value, expected.toFloatArray(), RTOL, ATOL);
            LossRef.assertClose(name + " grad", logits.getGradient().toFloatArray(),
                    ref.get(name + "__grad").toFloatArray(), RTOL, ATOL);
        }
    }
}
