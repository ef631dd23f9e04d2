package org.visionzoo.training.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

class TrainingProgressTest {

    @Test
    void disabledPrintsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            try (TrainingProgress p = TrainingProgress.start("epoch 1/3", 4, false, out)) {
                for (int i = 0; i < 4; i++) {
                    p.step(32, 0.5);
                }
            }
        }
        assertThat(bytes.size()).isZero();
        TrainingProgress.start("quiet", 2, false, null).close();
    }

    @Test
    void enabledEndsAtOneHundredPercent() throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (TrainingProgress p = TrainingProgress.start("epoch 2/90", 5, true, out)) {
            for (int i = 0; i < 5; i++) {
                p.step(64, 1.0 / (i + 1));
                Thread.sleep(2);
            }
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        String last = text.strip();
        last = last.substring(last.lastIndexOf('\r') + 1);
        assertThat(last).contains("epoch 2/90", "100%", "5/5", "loss 0.2000", "img/s");
        assertThat(text).endsWith(System.lineSeparator());
    }

    @Test
    void stepAfterCloseAndBadArgumentsFail() {
        TrainingProgress p = TrainingProgress.start("t", 1, false, null);
        p.close();
        p.close();
        assertThatThrownBy(() -> p.step(1, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TrainingProgress.start("t", -1, false, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrainingProgress.start("t", 1, true, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void zeroBatchesCloseCleanly() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TrainingProgress.start("empty", 0, true, out).close();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("empty");
    }

    @Test
    void formatDuration() {
        assertThat(TrainingProgress.formatDuration(0)).isEqualTo("0s");
        assertThat(TrainingProgress.formatDuration(42.4)).isEqualTo("42s");
        assertThat(TrainingProgress.formatDuration(59.6)).isEqualTo("1m 00s");
        assertThat(TrainingProgress.formatDuration(125)).isEqualTo("2m 05s");
        assertThat(TrainingProgress.formatDuration(3725)).isEqualTo("1h 02m 05s");
        assertThat(TrainingProgress.formatDuration(100_000)).isEqualTo("27h 46m 40s");
        assertThatThrownBy(() -> TrainingProgress.formatDuration(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrainingProgress.formatDuration(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
