package org.visionzoo.training.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.visionzoo.core.io.TensorData;
import org.visionzoo.core.model.GradMode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter trajectories of Sgd, Adam and AdamW vs torch.optim (1.13) with a changing lr.
 *
 * <p>Tolerance per step and element: {@code 1e-6 * (|expected| + max|expected tensor|)}. A pure
 * per-element relative bound cannot hold: torch fuses {@code a + alpha * b} into one FMA rounding
 * while DJL has no alpha (a separate multiply and add), and elements that end near zero after
 * cancellation inherit the rounding of operands of the tensor's magnitude.
 */
@SuppressWarnings("try")
class OptimizerParityTest {

    static final int STEPS = 20;
    static final double RTOL = 1e-6;

    static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @TempDir static Path dir;
    static Map<String, TensorData> ref;
    static NDManager manager;

    @BeforeAll
    static void runTorch() {
        ref = OptimRef.run(dir, "optim", "--seed", "7", "--steps", Integer.toString(STEPS));
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        if (manager != null) {
            manager.close();
        }
    }

    /** The optimizer of each optimref.py CONFIG over (weight, bias) groups with their decays. */
    static Optimizer make(String config, List<ParamGroup> g) {
        switch (config) {
            case "sgd_plain":
                return Sgd.builder().build(g);
            case "sgd_momentum":
                return Sgd.builder().momentum(0.9f).dampening(0.1f).build(g);
            case "sgd_nesterov":
                return Sgd.builder().momentum(0.9f).nesterov(true).build(g);
            case "adam":
                return AdamW.adam().betas(0.9f, 0.999f).eps(1e-8f).build(g);
            case "adam_amsgrad":
                return AdamW.adam().betas(0.8f, 0.99f).eps(1e-6f).amsgrad(true).build(g);
            case "adamw":
                return AdamW.builder().betas(0.9f, 0.999f).eps(1e-8f).build(g);
            case "adamw_amsgrad":
                return AdamW.builder().betas(0.9f, 0.95f).eps(1e-8f).amsgrad(true).build(g);
            default:
                throw new IllegalArgumentException(config);
        }
    }

    static float[] decays(String config) {
        switch (config) {
            case "sgd_plain":
                return new float[] {0f, 0f};
            case "sgd_momentum":
            case "adam":
                return new float[] {1e-2f, 0f};
            case "sgd_nesterov":
                return new float[] {5e-3f, 1e-3f};
            case "adam_amsgrad":
                return new float[] {1e-3f, 0f};
            case "adamw":
                return new float[] {5e-2f, 0f};
            case "adamw_amsgrad":
                return new float[] {1e-1f, 1e-2f};
            default:
                throw new IllegalArgumentException(config);
        }
    }

    /** Fresh "weight" and "bias" parameters at the reference's initial values. */
    static Map<String, Parameter> params(NDManager m) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (String k : List.of("weight", "bias")) {
            Parameter p = Parameter.builder().setName(k)
                    .setType(k.equals("weight") ? Parameter.Type.WEIGHT : Parameter.Type.BIAS).build();
            NDArray a = OptimRef.array(m, ref.get("init__" + k));
            a.setRequiresGradient(true);
            p.setArray(a);
            out.put("layer." + k, p);
        }
        return out;
    }

    static List<ParamGroup> groups(Map<String, Parameter> ps, float[] wd) {
        return List.of(ParamGroup.of(Map.of("layer.weight", ps.get("layer.weight")), wd[0]),
                ParamGroup.of(Map.of("layer.bias", ps.get("layer.bias")), wd[1]));
    }

    /** Runs steps [from, to) of the reference gradient/lr sequence. */
    static void run(Optimizer opt, Map<String, Parameter> ps, int from, int to, String check) {
        float[] lrs = ref.get("lrs").toFloatArray();
        for (int i = from; i < to; i++) {
            opt.zeroGrad();
            for (String k : List.of("weight", "bias")) {
                OptimRef.setGradient(ps.get("layer." + k).getArray(), OptimRef.row(ref.get("grad__" + k), i));
            }
            opt.step(lrs[i]);
            if (check != null) {
                for (String k : List.of("weight", "bias")) {
                    float[] expected = OptimRef.row(ref.get(check + "__" + k), i);
                    OptimRef.assertClose(check + " step " + i + " " + k,
                            ps.get("layer." + k).getArray().toFloatArray(), expected, RTOL,
                            RTOL * maxAbs(expected));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd_plain", "sgd_momentum", "sgd_nesterov", "adam", "adam_amsgrad",
        "adamw", "adamw_amsgrad"})
    void trajectoryMatchesTorch(String config) {
        try (NDManager m = manager.newSubManager()) {
            Map<String, Parameter> ps = params(m);
            try (Optimizer opt = make(config, groups(ps, decays(config)))) {
                run(opt, ps, 0, STEPS, config);
                assertThat(opt.stepCount()).isEqualTo(STEPS);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd_momentum", "sgd_nesterov", "adam_amsgrad", "adamw"})
    void stateRoundTripContinuesTheSameTrajectory(String config) {
        try (NDManager m = manager.newSubManager()) {
            Map<String, Parameter> a = params(m);
            Map<String, float[]> uninterrupted = new LinkedHashMap<>();
            try (Optimizer opt = make(config, groups(a, decays(config)))) {
                run(opt, a, 0, STEPS, null);
                a.forEach((k, p) -> uninterrupted.put(k, p.getArray().toFloatArray()));
            }

            Map<String, Parameter> b = params(m);
            Map<String, NDArray> saved = new LinkedHashMap<>();
            int savedStep;
            Map<String, float[]> paramsAtSave = new LinkedHashMap<>();
            try (Optimizer first = make(config, groups(b, decays(config)))) {
                run(first, b, 0, STEPS / 2, null);
                first.state().forEach((k, v) -> saved.put(k, v.duplicate()));
                savedStep = first.stepCount();
                b.forEach((k, p) -> paramsAtSave.put(k, p.getArray().toFloatArray()));
                assertThat(saved).isNotEmpty();
                assertThat(saved.keySet()).allMatch(k -> k.startsWith("layer.weight.") || k.startsWith("layer.bias."));
            }
            // a new process: fresh parameters set to the saved values, a fresh optimizer
            Map<String, Parameter> c = params(m);
            try (GradMode off = GradMode.disabled()) {
                c.forEach((k, p) -> p.getArray().set(paramsAtSave.get(k)));
            }
            try (Optimizer resumed = make(config, groups(c, decays(config)))) {
                resumed.loadState(saved, savedStep);
                assertThat(resumed.stepCount()).isEqualTo(STEPS / 2);
                run(resumed, c, STEPS / 2, STEPS, null);
            }
            c.forEach((k, p) -> assertThat(p.getArray().toFloatArray()).as(k)
                    .containsExactly(uninterrupted.get(k)));
        }
    }
}
