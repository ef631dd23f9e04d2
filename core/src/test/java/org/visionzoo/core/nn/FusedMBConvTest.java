package org.visionzoo.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.visionzoo.core.nn.FusedMBConv.Config;
import org.visionzoo.core.weights.StateDict;

import java.util.List;
import java.util.Map;

class FusedMBConvTest {

    @AutoClose private final NDManager manager = NDManager.newBaseManager();

    private static Config config(int in, int expanded, int out, int stride, float sd) {
        return new Config(in, expanded, out, 3, stride, Activation.SILU, 1e-3f, 0.1f, sd);
    }

    @Test
    void keysFollowTorchvisionWithAndWithoutExpansion() {
        var expanded = new FusedMBConv(config(16, 64, 24, 2, 0f));
        assertThat(StateDict.parameters(expanded).keySet()).containsExactly(
                "block.0.0.weight", "block.0.1.weight", "block.0.1.bias", "block.0.1.running_mean",
                "block.0.1.running_var", "block.1.0.weight", "block.1.1.weight", "block.1.1.bias",
                "block.1.1.running_mean", "block.1.1.running_var");
        var plain = new FusedMBConv(config(24, 24, 24, 1, 0.1f));
        assertThat(StateDict.parameters(plain).keySet()).containsExactly(
                "block.0.0.weight", "block.0.1.weight", "block.0.1.bias", "block.0.1.running_mean",
                "block.0.1.running_var");
        assertThat(NamedBlock.namedChildren(plain)).extracting(Map.Entry::getKey)
                .containsExactly("block", "stochastic_depth");
        // the single conv of a block without expansion has the activation, the projection none
        assertThat(NamedBlock.namedChildren(((Sequential) plain.child("block")).child("0"))).hasSize(3);
        assertThat(NamedBlock.namedChildren(((Sequential) expanded.child("block")).child("1"))).hasSize(2);
    }

    @Test
    void shapesAndResidual() {
        Shape in = new Shape(2, 16, 15, 10);
        var strided = new FusedMBConv(config(16, 64, 24, 2, 0f));
        strided.initialize(manager, DataType.FLOAT32, in);
        NDArray y = strided.forward(new ParameterStore(manager, false), new NDList(manager.randomNormal(in)), false)
                .singletonOrThrow();
        assertThat(y.getShape()).isEqualTo(new Shape(2, 24, 8, 5));
        assertThat(strided.hasResidual()).isFalse();
        assertThat(new FusedMBConv(config(16, 64, 16, 1, 0f)).hasResidual()).isTrue();
        assertThat(new FusedMBConv(config(16, 16, 24, 1, 0f)).hasResidual()).isFalse();
    }

    @Test
    void residualAddsTheInputAndStochasticDepthIsTheIdentityInEvaluation() {
        Shape in = new Shape(2, 8, 5, 5);
        for (List<Integer> channels : List.of(List.of(8, 32), List.of(8, 8))) {
            var block = new FusedMBConv(config(channels.get(0), channels.get(1), 8, 1, 0.5f));
            block.initialize(manager, DataType.FLOAT32, in);
            InvertedResidualTest.constantBody(block, channels.get(1) == 8 ? "block.0.1" : "block.1.1", -2f);
            NDArray x = manager.randomNormal(in);
            float[] xs = x.toFloatArray();
            NDArray yArray = block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            float[] y = yArray.toFloatArray();
            for (int i = 0; i < y.length; i++) {
                float body = channels.get(1) == 8 ? (float) (-2 * (1 / (1 + Math.exp(2)))) : -2f; // SiLU(-2) when unexpanded
                assertThat(y[i]).isCloseTo(xs[i] + body, within(1e-5f));
            }
        }
    }

    @Test
    void invalidConfigsAreRejectedWithTheFieldName() {
        assertThatThrownBy(() -> config(0, 8, 8, 1, 0f)).hasMessage("inChannels must be > 0, got 0");
        assertThatThrownBy(() -> config(8, 0, 8, 1, 0f)).hasMessage("expandedChannels must be > 0, got 0");
        assertThatThrownBy(() -> config(8, 8, -3, 1, 0f)).hasMessage("outChannels must be > 0, got -3");
        assertThatThrownBy(() -> config(8, 8, 8, 0, 0f)).hasMessage("stride must be 1 or 2, got 0");
        assertThatThrownBy(() -> config(8, 8, 8, 1, -0.1f)).hasMessage("stochasticDepth must be in [0, 1], got -0.1");
        assertThatThrownBy(() -> new Config(8, 8, 8, 2, 1, Activation.SILU, 1e-3f, 0.1f, 0f))
                .hasMessage("kernel must be odd and >= 1, got 2");
        assertThatThrownBy(() -> new Config(8, 8, 8, 3, 1, Activation.SILU, -1f, 0.1f, 0f))
                .hasMessage("bnEps must be > 0, got -1.0");
        assertThatThrownBy(() -> new Config(8, 8, 8, 3, 1, null, 1e-3f, 0.1f, 0f))
                .isInstanceOf(NullPointerException.class).hasMessage("activation");
    }
}
