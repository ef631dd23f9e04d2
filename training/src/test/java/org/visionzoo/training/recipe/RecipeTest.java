package org.visionzoo.training.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.visionzoo.training.optim.LrSchedule;
import org.visionzoo.training.optim.Schedules;

class RecipeTest {

    @Test
    void defaultsAreZooTrains() {
        Recipe sgd = Recipe.defaults(OptimizerName.SGD);
        assertThat(sgd.lr()).isEqualTo(0.1f);
        assertThat(sgd.weightDecay()).isEqualTo(5e-4f);
        assertThat(sgd.momentum()).isEqualTo(0.9f);
        assertThat(sgd.nesterov()).isTrue();
        assertThat(sgd.schedule()).isEqualTo(ScheduleName.COSINE);
        Recipe adamw = Recipe.defaults(OptimizerName.ADAMW);
        assertThat(adamw.lr()).isEqualTo(1e-3f);
        assertThat(adamw.weightDecay()).isEqualTo(0.05f);
        assertThat(Recipe.cifarResNet()).isEqualTo(sgd);
        assertThat(Recipe.fineTune()).isEqualTo(adamw);
        assertThat(sgd.withLr(0.05f).withWeightDecay(0f).lr()).isEqualTo(0.05f);
    }

    @Test
    void schedulesFollowTheirNames() {
        long perEpoch = 10;
        long total = 40;
        LrSchedule cosine = Recipe.cifarResNet().withSchedule(ScheduleName.COSINE, 1.5).scheduleFactory()
                .create(perEpoch, total);
        LrSchedule expected = Schedules.warmupCosine(0.1f, 15, total);
        LrSchedule step = Recipe.cifarResNet().withSchedule(ScheduleName.STEP, 0).scheduleFactory().create(perEpoch, total);
        LrSchedule expectedStep = Schedules.step(0.1f, 13, 0.1f);
        for (long s = 0; s < total; s++) {
            assertThat(cosine.lr(s)).isEqualTo(expected.lr(s));
            assertThat(step.lr(s)).isEqualTo(expectedStep.lr(s));
        }
        assertThat(ScheduleName.ids()).containsExactly("cosine", "step", "onecycle", "constant");
        assertThat(ScheduleName.parse("OneCycle")).isEqualTo(ScheduleName.ONECYCLE);
        assertThat(OptimizerName.parse("AdamW")).isEqualTo(OptimizerName.ADAMW);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> ScheduleName.parse("linear")).hasMessage(
                "schedule must be cosine, step, onecycle or constant, got 'linear'");
        assertThatThrownBy(() -> OptimizerName.parse("rmsprop")).hasMessage("optimizer must be sgd or adamw, got 'rmsprop'");
        assertThatThrownBy(() -> Recipe.cifarResNet().withLr(0f)).hasMessageContaining("lr must be > 0");
        assertThatThrownBy(() -> Recipe.cifarResNet().withWeightDecay(-1f)).hasMessageContaining("weightDecay");
        assertThatThrownBy(() -> Recipe.cifarResNet().withMomentum(1f, true)).hasMessageContaining("momentum");
        assertThatThrownBy(() -> Recipe.cifarResNet().withLabelSmoothing(1f)).hasMessageContaining("labelSmoothing");
        assertThatThrownBy(() -> Recipe.cifarResNet().withSchedule(ScheduleName.COSINE, -1))
                .hasMessageContaining("warmupEpochs");
    }
}
