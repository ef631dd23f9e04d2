package org.visionzoo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.TinyNet;

class ModelSummaryTest {

    @Test
    void countsParametersAndMacsLikePyTorch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TinyNet net = new TinyNet(10);
            net.initialize(manager, 32);
            ModelSummary s = ModelSummary.of(net, new Shape(4, 3, 32, 32));
            // conv 3->8 3x3 (216) + bn (16); dw 8 3x3 (72) + bn (16); se fc1 8->4 (36) fc2 4->8 (40);
            // conv 8->16 1x1 (128) + bn (32); linear 16->10 (170)
            long params = 216 + 16 + 72 + 16 + 36 + 40 + 128 + 32 + 170;
            assertThat(s.params()).isEqualTo(params);
            assertThat(ModelSummary.countParameters(net)).isEqualTo(params);
            // 16x16 after the stride-2 stem; SE convs run on 1x1
            long macs = 216L * 256 + 72L * 256 + 32 + 32 + 128L * 256 + 160;
            assertThat(s.macs()).isEqualTo(macs);
            assertThat(s.inputShape()).isEqualTo(new Shape(1, 3, 32, 32));
            assertThat(s.rows()).anySatisfy(r -> {
                assertThat(r.name()).isEqualTo("features.0.0");
                assertThat(r.outputShape()).isEqualTo(new Shape(1, 8, 16, 16));
                assertThat(r.params()).isEqualTo(216);
            });
            assertThat(s.rows()).anySatisfy(r -> {
                assertThat(r.name()).isEqualTo("classifier");
                assertThat(r.outputShape()).isEqualTo(new Shape(1, 10));
                assertThat(r.macs()).isEqualTo(160);
            });
            assertThat(s.toTable(1)).contains("features", "classifier", "Parameters: " + String.format("%,d", params));
            // MACs scale with the input
            assertThat(ModelSummary.of(net, new Shape(1, 3, 64, 64)).macs()).isGreaterThan(3 * macs);
        }
    }

    @Test
    void formatsMacsWithAUnit() {
        assertThat(ModelSummary.formatMacs(4_089_184_256L)).isEqualTo("4.09 G");
        assertThat(ModelSummary.formatMacs(40_551_040L)).isEqualTo("40.55 M");
        assertThat(ModelSummary.formatMacs(1_500L)).isEqualTo("1.50 K");
    }

    @Test
    void refusesAnUninitialisedModel() {
        assertThatThrownBy(() -> ModelSummary.of(new TinyNet(3), new Shape(1, 3, 32, 32)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not initialised");
    }
}
