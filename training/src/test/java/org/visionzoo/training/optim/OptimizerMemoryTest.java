package org.visionzoo.training.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.testing.ProcessMemory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Thousands of steps leave the managed arrays and the resident memory flat. */
class OptimizerMemoryTest {

    private static Map<String, Parameter> params(NDManager m, boolean small) {
        Map<String, Parameter> ps = new LinkedHashMap<>();
        long[][] shapes = {{256, 256, 4, 4}, {256}, {64, 128}};
        if (small) {
            shapes = new long[][] {{64, 64, 3, 3}, {64}};
        }
        for (int i = 0; i < shapes.length; i++) {
            Parameter p = Parameter.builder().setName("p" + i)
                    .setType(shapes[i].length > 1 ? Parameter.Type.WEIGHT : Parameter.Type.BIAS).build();
            NDArray a = m.randomNormal(new Shape(shapes[i]));
            a.setRequiresGradient(true);
            p.setArray(a);
            float[] g = new float[(int) a.size()];
            for (int j = 0; j < g.length; j++) {
                g[j] = (float) Math.sin(j) * 1e-3f;
            }
            OptimRef.setGradient(a, g);
            ps.put("layer" + i + ".weight", p);
        }
        return ps;
    }

    private static void assertFlat(NDManager m, Optimizer opt, int steps) {
        for (int i = 0; i < 20; i++) {
            opt.step(0.01f);
        }
        int arrays = m.getManagedArrays().size();
        long rss = ProcessMemory.rssKb();
        List<Long> samples = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            opt.step(0.01f * (1 + i % 7));
            if (i % 500 == 0) {
                samples.add(ProcessMemory.rssKb());
            }
        }
        System.out.println(opt.getClass().getSimpleName() + " " + steps + " steps: "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(m.getManagedArrays()).hasSize(arrays);
        long growthMb = (ProcessMemory.rssKb() - rss) / 1024;
        assertThat(growthMb).as("RSS growth in MB (samples %s kB)", samples).isLessThan(50);
    }

    @Test
    void sgdMomentumStaysFlat() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> ps = params(m, false);
            assertThat(ps.values().stream().mapToLong(p -> p.getArray().size()).sum()).isGreaterThan(1_000_000);
            try (Sgd sgd = Sgd.builder().momentum(0.9f).build(List.of(ParamGroup.of(ps, 0f)))) {
                assertFlat(m, sgd, 2000);
            }
        }
    }

    @Test
    void adamWAmsgradAndNesterovStayFlatOnASmallerSet() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> ps = params(m, true);
            try (AdamW adamw = AdamW.builder().amsgrad(true).build(List.of(ParamGroup.of(ps, 0.05f)))) {
                assertFlat(m, adamw, 1000);
            }
            try (Sgd sgd = Sgd.builder().momentum(0.9f).nesterov(true)
                    .build(List.of(ParamGroup.of(ps, 1e-4f)))) {
                assertFlat(m, sgd, 1000);
            }
        }
    }
}
