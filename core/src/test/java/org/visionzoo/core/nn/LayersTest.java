package org.visionzoo.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LayersTest {

    // Values from torchvision's _make_divisible.
    @ParameterizedTest
    @CsvSource({
        "32, 8, 32", "24, 8, 24", "16.0, 8, 16", "12, 8, 16", "27, 8, 32", "21.6, 8, 24",
        "3, 8, 8", "1280, 8, 1280", "40.8, 8, 40", "4.5, 8, 8", "120, 8, 120", "37.5, 8, 40", "9.6, 8, 16"
    })
    void makeDivisibleMatchesTorchvision(double value, int divisor, int expected) {
        assertThat(Layers.makeDivisible(value, divisor)).isEqualTo(expected);
    }

    @Test
    void makeDivisibleNeverLosesMoreThanTenPercent() {
        for (double v = 1; v < 2000; v += 0.37) {
            int r = Layers.makeDivisible(v, 8);
            assertThat(r % 8).isZero();
            assertThat((double) r).isGreaterThanOrEqualTo(0.9 * v);
        }
    }

    @Test
    void makeDivisibleHonoursMinValue() {
        assertThat(Layers.makeDivisible(3, 8, 16)).isEqualTo(16);
    }

    @Test
    void convRejectsBadValuesNamingTheField() {
        assertThatThrownBy(() -> Layers.conv(0, 3, 1, 1)).hasMessageContaining("outChannels must be > 0, got 0");
        assertThatThrownBy(() -> Layers.conv(8, 3, 1, 3)).hasMessageContaining("divisible by groups");
        assertThatThrownBy(() -> Layers.conv(8, 3, 0, 1)).hasMessageContaining("stride");
        assertThatThrownBy(() -> Layers.conv(8, 3, 1, -1, 1, 1, false)).hasMessageContaining("padding must be >= 0");
        assertThatThrownBy(() -> Layers.linear(0, 3)).hasMessageContaining("inFeatures");
    }

    @Test
    void blocksValidateTheirArguments() {
        assertThatThrownBy(() -> new BatchNorm2d(0f, 0.1f)).hasMessageContaining("eps must be > 0");
        assertThatThrownBy(() -> new BatchNorm2d(1e-5f, 0f)).hasMessageContaining("momentum");
        assertThatThrownBy(() -> new StochasticDepth(1.5f, StochasticDepth.Mode.ROW)).hasMessageContaining("p must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> new MaxPool2d(3, 2, 2)).hasMessageContaining("padding");
        assertThatThrownBy(() -> new SqueezeExcitation(8, 0, Activation.RELU, Activation.SIGMOID)).hasMessageContaining("squeezeChannels");
    }
}
