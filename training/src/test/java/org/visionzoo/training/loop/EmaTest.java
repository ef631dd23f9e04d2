package org.visionzoo.training.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.model.GradMode;
import org.visionzoo.core.weights.StateDict;

import java.util.LinkedHashMap;
import java.util.Map;

@SuppressWarnings("try")
class EmaTest {

    private static void fill(Parameter p, float value) {
        try (GradMode off = GradMode.disabled()) {
            p.getArray().set(new NDIndex(":"), value);
        }
    }

    @Test
    void followsTorchvisionsUpdateRuleOnWeightsAndBuffers() {
        try (NDManager m = NDManager.newBaseManager()) {
            SmallNet net = SmallNet.create(m, 1, 3, 8, true, 0f);
            Map<String, Parameter> params = StateDict.parameters(net);
            assertThat(params).containsKey("features.0.1.running_mean");
            float decay = 0.9f;
            float[] values = {1f, 3f, -2f, 0.5f};
            try (Ema ema = new Ema(net, decay)) {
                double expected = 0;
                for (int i = 0; i < values.length; i++) {
                    for (Parameter p : params.values()) {
                        fill(p, values[i]);
                    }
                    ema.update();
                    expected = i == 0 ? values[0] : decay * expected + (1 - decay) * values[i];
                }
                assertThat(ema.updates()).isEqualTo(4);
                for (Map.Entry<String, NDArray> e : ema.state().entrySet()) {
                    for (float v : e.getValue().toFloatArray()) {
                        assertThat((double) v).as(e.getKey()).isCloseTo(expected, within(1e-6));
                    }
                }
                float[] training = params.get("classifier.weight").getArray().toFloatArray();
                try (Ema.Swap swap = ema.applyTo()) {
                    assertThat((double) params.get("classifier.weight").getArray().toFloatArray()[0])
                            .isCloseTo(expected, within(1e-6));
                    assertThatThrownBy(ema::update).hasMessageContaining("swapped");
                }
                assertThat(params.get("classifier.weight").getArray().toFloatArray()).containsExactly(training);
            }
        }
    }

    @Test
    void stateRoundTripsAndIsChecked() {
        try (NDManager m = NDManager.newBaseManager()) {
            SmallNet net = SmallNet.create(m, 1, 3, 8, true, 0f);
            try (Ema a = new Ema(net, 0.5f); Ema b = new Ema(net, 0.5f)) {
                assertThatThrownBy(a::applyTo).hasMessageContaining("no average yet");
                a.update();
                for (Parameter p : StateDict.parameters(net).values()) {
                    fill(p, 2f);
                }
                a.update();
                b.loadState(a.state(), a.updates());
                assertThat(b.updates()).isEqualTo(2);
                a.state().forEach((k, v) -> assertThat(b.state().get(k).toFloatArray()).containsExactly(v.toFloatArray()));
                Map<String, NDArray> partial = new LinkedHashMap<>(a.state());
                partial.remove("classifier.bias");
                assertThatThrownBy(() -> b.loadState(partial, 2)).hasMessageContaining("missing [classifier.bias]");
            }
            assertThatThrownBy(() -> new Ema(net, 1f)).hasMessageContaining("[0, 1)");
        }
    }
}
