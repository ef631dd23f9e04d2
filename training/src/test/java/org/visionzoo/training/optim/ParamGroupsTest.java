package org.visionzoo.training.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.TinyNet;
import org.visionzoo.core.weights.StateDict;

import java.util.List;
import java.util.Map;

/** ParamGroups.defaultGroups on core's TinyNet. */
class ParamGroupsTest {

    @Test
    void decayOnWeightsOnlyNoRunningStatsNoFrozen() {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyNet net = new TinyNet(5);
            net.initialize(m, 16);
            Map<String, Parameter> all = StateDict.parameters(net);
            all.get("features.2.fc1.weight").freeze(true);

            List<ParamGroup> groups = ParamGroups.defaultGroups(net, 1e-4f);
            assertThat(groups).hasSize(2);
            ParamGroup decay = groups.get(0);
            ParamGroup noDecay = groups.get(1);
            assertThat(decay.weightDecay()).isEqualTo(1e-4f);
            assertThat(noDecay.weightDecay()).isZero();

            assertThat(decay.parameters().keySet())
                    .contains("features.0.0.weight", "features.2.fc2.weight", "classifier.weight")
                    .doesNotContain("features.2.fc1.weight")
                    .allMatch(k -> all.get(k).getArray().getShape().dimension() >= 2);
            assertThat(noDecay.parameters().keySet())
                    .contains("features.0.1.weight", "features.0.1.bias", "features.2.fc1.bias",
                            "classifier.bias")
                    .allMatch(k -> all.get(k).getArray().getShape().dimension() == 1);
            for (ParamGroup g : groups) {
                assertThat(g.parameters().keySet())
                        .noneMatch(k -> k.endsWith("running_mean") || k.endsWith("running_var"));
            }
            long trainable = all.entrySet().stream()
                    .filter(e -> e.getValue().requiresGradient())
                    .filter(e -> e.getValue().getType() != Parameter.Type.RUNNING_MEAN
                            && e.getValue().getType() != Parameter.Type.RUNNING_VAR)
                    .count();
            assertThat(decay.parameters().size() + noDecay.parameters().size()).isEqualTo(trainable);
            assertThat(ParamGroups.single(net, 0f).get(0).parameters()).hasSize((int) trainable);
        }
    }
}
