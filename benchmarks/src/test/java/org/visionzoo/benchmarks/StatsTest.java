package org.visionzoo.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void knownValues() {
        // mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445105: half-width 2.776445105 * 1.58113883 / sqrt(5)
        Stats s = Stats.of(5, 1, 4, 2, 3);
        assertThat(s.n()).isEqualTo(5);
        assertThat(s.median()).isEqualTo(3);
        assertThat(s.mean()).isEqualTo(3);
        assertThat(s.stdDev()).isCloseTo(1.5811388, within(1e-6));
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(5);
        assertThat(s.ciHalfWidth()).isCloseTo(1.9632432, within(1e-6));
        assertThat(s.ciLow()).isCloseTo(1.0367568, within(1e-6));
    }

    @Test
    void evenMedianAndPercentilesInterpolateAsNumpy() {
        assertThat(Stats.of(4, 1, 3, 2).median()).isEqualTo(2.5);
        double[] v = {10, 20, 30, 40, 50};
        assertThat(Stats.percentile(v, 10)).isCloseTo(14, within(1e-12));
        assertThat(Stats.percentile(v, 90)).isCloseTo(46, within(1e-12));
    }

    @Test
    void oneValueHasADegenerateInterval() {
        Stats s = Stats.of(7.5);
        assertThat(s.ciLow()).isEqualTo(7.5);
        assertThat(s.ciHigh()).isEqualTo(7.5);
        assertThat(s.stdDev()).isZero();
    }
}
