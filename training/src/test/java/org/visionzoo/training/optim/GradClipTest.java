package org.visionzoo.training.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.io.TensorData;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** GradClip.clipGlobalNorm vs torch.nn.utils.clip_grad_norm_. */
class GradClipTest {

    @TempDir Path dir;

    @Test
    void matchesTorchWhenClippingAndWhenNot() {
        Map<String, TensorData> ref = OptimRef.run(dir, "clip", "--seed", "3");
        for (String label : List.of("small", "large")) {
            float maxNorm = label.equals("small") ? 0.5f : 1000f;
            try (NDManager m = NDManager.newBaseManager()) {
                List<Parameter> ps = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    TensorData g = ref.get("grad" + i);
                    Parameter p = Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT).build();
                    NDArray a = m.zeros(new ai.djl.ndarray.types.Shape(g.shape()));
                    a.setRequiresGradient(true);
                    p.setArray(a);
                    OptimRef.setGradient(a, g.toFloatArray());
                    ps.add(p);
                }
                float total = GradClip.clipGlobalNorm(ps, maxNorm);
                float expected = ref.get(label + "_total").toFloatArray()[0];
                assertThat((double) total).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6 * expected));
                for (int i = 0; i < 3; i++) {
                    try (NDArray g = ps.get(i).getArray().getGradient()) {
                        OptimRef.assertClose(label + " grad" + i, g.toFloatArray(),
                                ref.get(label + "_grad" + i).toFloatArray(), 1e-6, 1e-8);
                    }
                }
            }
        }
    }

    @Test
    void rejectsNonPositiveMaxNorm() {
        assertThatThrownBy(() -> GradClip.clipGlobalNorm(List.of(), 0f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxNorm");
    }
}
