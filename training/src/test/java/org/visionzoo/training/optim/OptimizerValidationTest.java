package org.visionzoo.training.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Option validation, group checks and loadState errors (no reference needed). */
class OptimizerValidationTest {

    private static Parameter param(NDManager m, String name, long... shape) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        NDArray a = m.ones(new Shape(shape));
        a.setRequiresGradient(true);
        p.setArray(a);
        return p;
    }

    @Test
    void nesterovNeedsMomentumAndNoDampening() {
        assertThatThrownBy(() -> Sgd.builder().nesterov(true).build(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nesterov").hasMessageContaining("momentum")
                .hasMessageContaining("dampening");
        assertThatThrownBy(() -> Sgd.builder().momentum(0.9f).dampening(0.1f).nesterov(true).build(List.of()))
                .hasMessageContaining("dampening=0.1");
        assertThatThrownBy(() -> Sgd.builder().momentum(-1f).build(List.of())).hasMessageContaining("momentum");
        assertThatThrownBy(() -> AdamW.adam().betas(1f, 0.9f).build(List.of())).hasMessageContaining("beta1");
        assertThatThrownBy(() -> AdamW.builder().eps(-1f).build(List.of())).hasMessageContaining("eps");
        assertThatThrownBy(() -> ParamGroup.of(Map.of(), -1f)).hasMessageContaining("weightDecay");
    }

    @Test
    void groupsWithoutTheirOwnDecayTakePyTorchsDefaults() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = param(m, "w", 2); // ones with a zero gradient: only the decay moves them
            Parameter v = param(m, "v", 2);
            Parameter x = param(m, "x", 2);
            try (AdamW adamw = AdamW.builder().build(List.of(ParamGroup.of(Map.of("w", w)),
                            ParamGroup.of(Map.of("v", v), 0.5f)));
                    AdamW adam = AdamW.adam().build(List.of(ParamGroup.of(Map.of("x", x))))) {
                assertThat(adamw.decoupled()).isTrue();
                assertThat(adam.decoupled()).isFalse();
                adamw.step(0.1f);
                adam.step(0.1f);
                assertThat(w.getArray().toFloatArray()).containsOnly((float) (1.0 - (double) 0.1f * 0.01f));
                assertThat(v.getArray().toFloatArray()).containsOnly((float) (1.0 - (double) 0.1f * 0.5f));
                assertThat(x.getArray().toFloatArray()).containsOnly(1f);
            }
        }
        assertThat(ParamGroup.of(Map.of()).hasWeightDecay()).isFalse();
        assertThat(ParamGroup.of(Map.of()).weightDecayOr(0.3f)).isEqualTo(0.3f);
        assertThatThrownBy(() -> AdamW.builder().weightDecay(-1f)).hasMessageContaining("weightDecay");
    }

    @Test
    void stepRejectsBadLrAndGroupsRejectDuplicates() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = param(m, "w", 2, 2);
            assertThatThrownBy(() -> Sgd.builder().build(List.of(ParamGroup.of(Map.of("a", p), 0f),
                    ParamGroup.of(Map.of("b", p), 0f)))).hasMessageContaining("twice");
            Parameter q = param(m, "q", 2);
            assertThatThrownBy(() -> Sgd.builder().build(List.of(ParamGroup.of(Map.of("a", p), 0f),
                    ParamGroup.of(Map.of("a", q), 0f)))).hasMessageContaining("more than one group");
            try (Sgd sgd = Sgd.builder().build(List.of(ParamGroup.of(Map.of("a", p), 0f)))) {
                assertThatThrownBy(() -> sgd.step(Float.NaN)).hasMessageContaining("lr");
                assertThatThrownBy(() -> sgd.step(-0.1f)).hasMessageContaining("lr");
            }
        }
    }

    @Test
    void loadStateNamesMissingUnknownAndMisshapenKeys() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = param(m, "w", 3, 2);
            Parameter b = param(m, "b", 3);
            Map<String, Parameter> named = new LinkedHashMap<>();
            named.put("fc.weight", w);
            named.put("fc.bias", b);
            try (AdamW adam = AdamW.adam().build(List.of(ParamGroup.of(named, 0f)))) {
                adam.step(0.1f);
                assertThat(adam.state().keySet()).containsExactly("fc.weight.exp_avg",
                        "fc.weight.exp_avg_sq", "fc.bias.exp_avg", "fc.bias.exp_avg_sq");

                Map<String, NDArray> bad = new LinkedHashMap<>(adam.state());
                bad.remove("fc.bias.exp_avg_sq");
                bad.put("fc.bias.momentum_buffer", m.zeros(new Shape(3)));
                bad.put("fc.weight.exp_avg", m.zeros(new Shape(2, 3)));
                assertThatThrownBy(() -> adam.loadState(bad, 1))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("missing keys [fc.bias.exp_avg_sq]")
                        .hasMessageContaining("unexpected keys [fc.bias.momentum_buffer]")
                        .hasMessageContaining("fc.weight.exp_avg has shape (2, 3), expected (3, 2)");
                assertThatThrownBy(() -> adam.loadState(Map.of(), -1)).hasMessageContaining("step");
                assertThatThrownBy(() -> adam.loadState(Map.of(), 3)).hasMessageContaining("missing keys");

                adam.loadState(Map.of(), 0);
                assertThat(adam.state()).isEmpty();
                assertThat(adam.stepCount()).isZero();
            }
            try (Sgd plain = Sgd.builder().build(List.of(ParamGroup.of(named, 0f)))) {
                plain.step(0.1f);
                assertThat(plain.state()).isEmpty();
                plain.loadState(Map.of(), 5);
                assertThat(plain.stepCount()).isEqualTo(5);
            }
        }
    }

    @Test
    void zeroGradZeroesInPlace() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = param(m, "w", 2, 2);
            OptimRef.setGradient(w.getArray(), new float[] {1, 2, 3, 4});
            try (Sgd sgd = Sgd.builder().build(List.of(ParamGroup.of(Map.of("w", w), 0f)))) {
                sgd.zeroGrad();
                try (NDArray g = w.getArray().getGradient()) {
                    assertThat(g.toFloatArray()).containsOnly(0f);
                }
            }
        }
    }
}
