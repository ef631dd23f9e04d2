package org.visionzoo.training.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.io.TensorData;

import java.nio.file.Path;
import java.util.Map;

/** Schedules vs torch.optim.lr_scheduler stepped once per iteration. */
class ScheduleParityTest {

    static final int N = 100;

    @TempDir static Path dir;
    static Map<String, TensorData> ref;

    @BeforeAll
    static void runTorch() {
        ref = OptimRef.run(dir, "sched", "--iters", Integer.toString(N));
    }

    private static void check(String name, LrSchedule s) {
        TensorData t = ref.get(name);
        assertThat(t).as(name).isNotNull();
        float[] e = t.toFloatArray();
        assertThat(e).hasSize(N);
        for (int i = 0; i < N; i++) {
            double d = Math.abs((double) s.lr(i) - e[i]);
            assertThat(d).as("%s at iteration %d: java %s torch %s", name, i, s.lr(i), e[i])
                    .isLessThanOrEqualTo(1e-6 * Math.abs(e[i]) + 1e-12);
        }
    }

    @Test
    void stepLr() {
        check("step", Schedules.step(0.1f, 30, 0.1f));
    }

    @Test
    void multiStepLr() {
        check("multistep", Schedules.multiStep(0.1f, new long[] {50, 20, 80}, 0.2f));
    }

    @Test
    void oneCycleLr() {
        check("onecycle", Schedules.oneCycle(0.5f, N));
        check("onecycle_custom", Schedules.oneCycle(0.3f, N, 0.25f, 10f, 100f));
        assertThatThrownBy(() -> Schedules.oneCycle(0.5f, N).lr(N + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("totalSteps");
    }

    @Test
    void warmupCosineIsLinearLrThenCosineAnnealingLr() {
        check("warmup_cosine", Schedules.warmupCosine(0.2f, 10, N));
        check("warmup_cosine_min", Schedules.warmupCosine(0.4f, 7, N - 20, 1e-3f, 0.1f));
        check("cosine_only", Schedules.warmupCosine(0.1f, 0, N, 1e-4f, 1f));
    }

    @Test
    void constantAndValidation() {
        assertThat(Schedules.constant(0.3f).lr(12345)).isEqualTo(0.3f);
        assertThatThrownBy(() -> Schedules.warmupCosine(0.1f, 10, 10))
                .hasMessageContaining("warmupIters").hasMessageContaining("totalIters");
        assertThatThrownBy(() -> Schedules.step(0.1f, 0, 0.1f)).hasMessageContaining("stepSize");
        assertThatThrownBy(() -> Schedules.constant(0.1f).lr(-1)).hasMessageContaining("iteration");
    }
}
