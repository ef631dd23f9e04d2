package org.visionzoo.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.visionzoo.core.nn.InvertedResidual.Config;
import org.visionzoo.core.nn.InvertedResidual.Layout;
import org.visionzoo.core.nn.InvertedResidual.Squeeze;
import org.visionzoo.core.weights.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class InvertedResidualTest {

    private static final Squeeze SE = new Squeeze(8, Activation.RELU, Activation.HARD_SIGMOID);

    @AutoClose private final NDManager manager = NDManager.newBaseManager();

    private static Config config(int in, int expanded, int out, int kernel, int stride, int dilation,
            Squeeze se, float sd, Layout layout) {
        return new Config(in, expanded, out, kernel, stride, dilation,
                layout == Layout.MOBILENET_V2 ? Activation.RELU6 : Activation.HARD_SWISH,
                se, 1e-3f, 0.01f, sd, layout);
    }

    private static List<String> keys(ai.djl.nn.Block block) {
        return new ArrayList<>(StateDict.parameters(block).keySet());
    }

    private static List<String> bn(String prefix) {
        return List.of(prefix + ".weight", prefix + ".bias", prefix + ".running_mean", prefix + ".running_var");
    }

    private static List<String> concat(Object... parts) {
        List<String> all = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof String s) {
                all.add(s);
            } else {
                for (Object o : (List<?>) p) {
                    all.add((String) o);
                }
            }
        }
        return all;
    }

    @Test
    void mobileNetV2LayoutHasTorchvisionKeysWithAndWithoutExpansion() {
        var expanded = new InvertedResidual(config(16, 96, 24, 3, 2, 1, null, 0f, Layout.MOBILENET_V2));
        assertThat(keys(expanded)).containsExactlyElementsOf(concat(
                "conv.0.0.weight", bn("conv.0.1"), "conv.1.0.weight", bn("conv.1.1"),
                "conv.2.weight", bn("conv.3")));
        var plain = new InvertedResidual(config(32, 32, 16, 3, 1, 1, null, 0f, Layout.MOBILENET_V2));
        assertThat(keys(plain)).containsExactlyElementsOf(concat(
                "conv.0.0.weight", bn("conv.0.1"), "conv.1.weight", bn("conv.2")));
        assertThat(StateDict.batchNormPrefixes(plain)).containsExactly("conv.0.1.", "conv.2.");
    }

    @Test
    void blockLayoutHasTorchvisionKeysWithAndWithoutExpansionAndSqueeze() {
        var full = new InvertedResidual(config(16, 72, 24, 5, 2, 1, SE, 0f, Layout.BLOCK));
        assertThat(keys(full)).containsExactlyElementsOf(concat(
                "block.0.0.weight", bn("block.0.1"), "block.1.0.weight", bn("block.1.1"),
                "block.2.fc1.weight", "block.2.fc1.bias", "block.2.fc2.weight", "block.2.fc2.bias",
                "block.3.0.weight", bn("block.3.1")));
        var plain = new InvertedResidual(config(16, 16, 16, 3, 1, 1, null, 0f, Layout.BLOCK));
        assertThat(keys(plain)).containsExactlyElementsOf(concat(
                "block.0.0.weight", bn("block.0.1"), "block.1.0.weight", bn("block.1.1")));
    }

    @Test
    void childrenAreTheBodyAndStochasticDepthOnlyOnAResidualBranch() {
        var residual = new InvertedResidual(config(16, 64, 16, 3, 1, 1, null, 0.2f, Layout.BLOCK));
        assertThat(NamedBlock.namedChildren(residual)).extracting(Map.Entry::getKey)
                .containsExactly("block", "stochastic_depth");
        var strided = new InvertedResidual(config(16, 64, 16, 3, 2, 1, null, 0.2f, Layout.BLOCK));
        assertThat(NamedBlock.namedChildren(strided)).extracting(Map.Entry::getKey).containsExactly("block");
        var noDrop = new InvertedResidual(config(16, 64, 16, 3, 1, 1, null, 0f, Layout.MOBILENET_V2));
        assertThat(NamedBlock.namedChildren(noDrop)).extracting(Map.Entry::getKey).containsExactly("conv");
    }

    @Test
    void hasResidualOnlyForStrideOneAndEqualChannels() {
        assertThat(new InvertedResidual(config(16, 64, 16, 3, 1, 1, null, 0f, Layout.BLOCK)).hasResidual()).isTrue();
        assertThat(new InvertedResidual(config(16, 64, 16, 3, 2, 1, null, 0f, Layout.BLOCK)).hasResidual()).isFalse();
        assertThat(new InvertedResidual(config(16, 64, 24, 3, 1, 1, null, 0f, Layout.BLOCK)).hasResidual()).isFalse();
        // dilation makes the depthwise stride 1, but the residual test keeps the configured stride
        assertThat(new InvertedResidual(config(16, 64, 16, 3, 2, 2, null, 0f, Layout.BLOCK)).hasResidual()).isFalse();
        assertThat(config(24, 24, 24, 3, 1, 1, null, 0f, Layout.MOBILENET_V2).hasResidual()).isTrue();
    }

    @Test
    void outputShapesFollowStrideDilationAndOddSizes() {
        Shape in = new Shape(2, 16, 17, 13);
        var strided = new InvertedResidual(config(16, 48, 24, 5, 2, 1, SE, 0f, Layout.BLOCK));
        strided.initialize(manager, DataType.FLOAT32, in);
        assertThat(strided.getOutputShapes(new Shape[] {in})[0]).isEqualTo(new Shape(2, 24, 9, 7));
        var dilated = new InvertedResidual(config(16, 48, 24, 3, 2, 2, null, 0f, Layout.BLOCK));
        dilated.initialize(manager, DataType.FLOAT32, in);
        assertThat(dilated.getOutputShapes(new Shape[] {in})[0]).isEqualTo(new Shape(2, 24, 17, 13));
        var v2 = new InvertedResidual(config(16, 16, 8, 3, 2, 1, null, 0f, Layout.MOBILENET_V2));
        v2.initialize(manager, DataType.FLOAT32, in);
        NDArray y = v2.forward(new ParameterStore(manager, false),
                new NDList(manager.randomNormal(in)), false).singletonOrThrow();
        assertThat(y.getShape()).isEqualTo(new Shape(2, 8, 9, 7));
        assertThatThrownBy(() -> new InvertedResidual(config(16, 48, 24, 3, 1, 1, null, 0f, Layout.BLOCK))
                        .initialize(manager, DataType.FLOAT32, new Shape(2, 8, 5, 5)))
                .hasMessageContaining("expected input (N, 16, H, W), got (2, 8, 5, 5)");
    }

    @Test
    void invalidConfigsAreRejectedWithTheFieldName() {
        assertThatThrownBy(() -> config(0, 16, 16, 3, 1, 1, null, 0f, Layout.BLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("inChannels must be > 0, got 0");
        assertThatThrownBy(() -> config(16, -1, 16, 3, 1, 1, null, 0f, Layout.BLOCK))
                .hasMessage("expandedChannels must be > 0, got -1");
        assertThatThrownBy(() -> config(16, 16, 0, 3, 1, 1, null, 0f, Layout.BLOCK))
                .hasMessage("outChannels must be > 0, got 0");
        assertThatThrownBy(() -> config(16, 16, 16, 4, 1, 1, null, 0f, Layout.BLOCK))
                .hasMessage("kernel must be odd and >= 1, got 4");
        assertThatThrownBy(() -> config(16, 16, 16, 3, 3, 1, null, 0f, Layout.BLOCK))
                .hasMessage("stride must be 1 or 2, got 3");
        assertThatThrownBy(() -> config(16, 16, 16, 3, 1, 0, null, 0f, Layout.BLOCK))
                .hasMessage("dilation must be > 0, got 0");
        assertThatThrownBy(() -> config(16, 16, 16, 3, 1, 1, null, 1.5f, Layout.BLOCK))
                .hasMessage("stochasticDepth must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> new Config(16, 16, 16, 3, 1, 1, Activation.RELU, null, 0f, 0.1f, 0f, Layout.BLOCK))
                .hasMessage("bnEps must be > 0, got 0.0");
        assertThatThrownBy(() -> new Config(16, 16, 16, 3, 1, 1, Activation.RELU, null, 1e-5f, 0f, 0f, Layout.BLOCK))
                .hasMessage("bnMomentum must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> new Config(16, 16, 16, 3, 1, 1, null, null, 1e-5f, 0.1f, 0f, Layout.BLOCK))
                .isInstanceOf(NullPointerException.class).hasMessage("activation");
        assertThatThrownBy(() -> new Config(16, 16, 16, 3, 1, 1, Activation.RELU, null, 1e-5f, 0.1f, 0f, null))
                .isInstanceOf(NullPointerException.class).hasMessage("layout");
        assertThatThrownBy(() -> config(16, 64, 16, 3, 1, 1, SE, 0f, Layout.MOBILENET_V2))
                .hasMessageStartingWith("squeeze must be null for Layout.MOBILENET_V2");
        assertThatThrownBy(() -> new Squeeze(0, Activation.RELU, Activation.SIGMOID))
                .hasMessage("squeeze channels must be > 0, got 0");
        assertThatThrownBy(() -> new Squeeze(4, Activation.RELU, null))
                .isInstanceOf(NullPointerException.class).hasMessage("squeeze gate");
    }

    /** Zeroes the projection's batch-norm scale and sets its shift, so the body outputs {@code shift}. */
    static void constantBody(ai.djl.nn.Block block, String projectionNorm, float shift) {
        var params = StateDict.parameters(block);
        params.get(projectionNorm + ".weight").getArray().muli(0);
        params.get(projectionNorm + ".bias").getArray().muli(0).addi(shift);
    }

    @Test
    void residualBlocksAddTheInputAndOthersDoNot() {
        Shape in = new Shape(2, 16, 7, 7);
        NDArray x = manager.randomNormal(in);
        for (Layout layout : Layout.values()) {
            var residual = new InvertedResidual(config(16, 32, 16, 3, 1, 1, null, 0f, layout));
            residual.initialize(manager, DataType.FLOAT32, in);
            constantBody(residual, layout == Layout.BLOCK ? "block.2.1" : "conv.3", 1f);
            float[] y = residual.forward(new ParameterStore(manager, false), new NDList(x), false)
                    .singletonOrThrow().toFloatArray();
            float[] xs = x.toFloatArray();
            for (int i = 0; i < y.length; i++) {
                assertThat(y[i]).as("%s residual element %d", layout, i).isCloseTo(xs[i] + 1f, within(1e-5f));
            }
            var plain = new InvertedResidual(config(16, 32, 24, 3, 1, 1, null, 0f, layout));
            plain.initialize(manager, DataType.FLOAT32, in);
            constantBody(plain, layout == Layout.BLOCK ? "block.2.1" : "conv.3", 1f);
            float[] z = plain.forward(new ParameterStore(manager, false), new NDList(x), false)
                    .singletonOrThrow().toFloatArray();
            assertThat(z).hasSize(2 * 24 * 49).containsOnly(1f);
        }
    }

    @Test
    void stochasticDepthIsTheIdentityInEvaluationAndDropsWholeSamplesInTraining() {
        Engine.getInstance().setRandomSeed(11);
        float p = 0.5f;
        int n = 200;
        Shape in = new Shape(n, 8, 3, 3);
        var block = new InvertedResidual(config(8, 16, 8, 3, 1, 1, null, p, Layout.BLOCK));
        block.initialize(manager, DataType.FLOAT32, in);
        constantBody(block, "block.2.1", 1f);
        NDArray x = manager.randomNormal(in);
        float[] xs = x.toFloatArray();
        float[] eval = block.forward(new ParameterStore(manager, false), new NDList(x), false)
                .singletonOrThrow().toFloatArray();
        for (int i = 0; i < eval.length; i++) {
            assertThat(eval[i]).isCloseTo(xs[i] + 1f, within(1e-5f));
        }
        // training: the body is still the constant 1 (zero scale), so each sample gets 0 or 1 / (1 - p)
        float[] train = block.forward(new ParameterStore(manager, false), new NDList(x), true)
                .singletonOrThrow().toFloatArray();
        int perSample = 8 * 9;
        int dropped = 0;
        for (int s = 0; s < n; s++) {
            float added = train[s * perSample] - xs[s * perSample];
            boolean drop = Math.abs(added) < 1e-4f;
            if (!drop) {
                assertThat(added).as("sample %d", s).isCloseTo(1f / (1f - p), within(1e-4f));
            }
            for (int k = 1; k < perSample; k++) {
                int i = s * perSample + k;
                assertThat(train[i] - xs[i]).as("sample %d dropped or kept whole", s).isCloseTo(added, within(1e-4f));
            }
            dropped += drop ? 1 : 0;
        }
        assertThat(dropped / (double) n).isCloseTo(p, within(0.2));
    }
}
