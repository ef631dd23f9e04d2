package org.visionzoo.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class BlocksTest {

    @AutoClose private final NDManager manager = NDManager.newBaseManager();

    private float[] values(float... v) {
        return v;
    }

    @Test
    void activationsFollowPyTorchDefinitions() {
        float[] in = values(-4f, -3f, -1f, 0f, 0.5f, 3f, 7f);
        NDArray x = manager.create(in);
        float[] silu = Activation.SILU.apply(x).toFloatArray();
        float[] hs = Activation.HARD_SWISH.apply(x).toFloatArray();
        float[] hsig = Activation.HARD_SIGMOID.apply(x).toFloatArray();
        float[] relu6 = Activation.RELU6.apply(x).toFloatArray();
        for (int i = 0; i < in.length; i++) {
            double v = in[i];
            double gate = Math.min(Math.max(v + 3, 0), 6) / 6;
            assertThat(silu[i]).isCloseTo((float) (v / (1 + Math.exp(-v))), within(1e-6f));
            assertThat(hsig[i]).isCloseTo((float) gate, within(1e-6f));
            assertThat(hs[i]).isCloseTo((float) (v * gate), within(1e-6f));
            assertThat(relu6[i]).isCloseTo((float) Math.min(Math.max(v, 0), 6), within(0f));
        }
        assertThat(Activation.IDENTITY.apply(x)).isSameAs(x);
    }

    @Test
    void hardActivationGradientsSurviveAGarbageCollectionBeforeBackward() {
        // Regression: a Number operand kept by autograd lived in a Java buffer that a collection
        // could reclaim before backward (random NaN in MobileNetV3 training). Scalars are libtorch's now.
        float[] in = values(-4f, -2f, -0.5f, 0.5f, 2f, 4f);
        for (int round = 0; round < 3; round++) {
            NDArray x = manager.create(in);
            x.setRequiresGradient(true);
            try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray y = Activation.HARD_SWISH.apply(x).sum();
                for (int i = 0; i < 4; i++) {
                    System.gc();
                    java.nio.ByteBuffer junk = java.nio.ByteBuffer.allocateDirect(1 << 16);
                    while (junk.remaining() >= 4) {
                        junk.putFloat(Float.NaN);
                    }
                }
                gc.backward(y);
            }
            float[] g = x.getGradient().toFloatArray();
            for (int i = 0; i < in.length; i++) {
                double v = in[i];
                double expected = v <= -3 ? 0 : v >= 3 ? 1 : (2 * v + 3) / 6;
                assertThat(g[i]).as("d hardswish / dx at %s", v).isCloseTo((float) expected, within(1e-6f));
            }
        }
    }

    @Test
    void stochasticDepthIsIdentityInEvaluation() {
        StochasticDepth sd = new StochasticDepth(0.5f, StochasticDepth.Mode.ROW);
        NDArray x = manager.ones(new Shape(4, 3, 2, 2));
        NDArray y = sd.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
        assertThat(y).isSameAs(x);
    }

    @Test
    void stochasticDepthDropsWholeSamplesAndKeepsTheExpectation() {
        float p = 0.3f;
        StochasticDepth sd = new StochasticDepth(p, StochasticDepth.Mode.ROW);
        int n = 20000;
        NDArray x = manager.ones(new Shape(n, 2, 2, 2));
        float[] y = sd.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow().toFloatArray();
        int dropped = 0;
        double sum = 0;
        for (int s = 0; s < n; s++) {
            float first = y[s * 8];
            for (int k = 1; k < 8; k++) {
                assertThat(y[s * 8 + k]).as("sample %d is dropped or kept whole", s).isEqualTo(first);
            }
            if (first == 0f) {
                dropped++;
            } else {
                assertThat(first).isCloseTo(1f / (1f - p), within(1e-6f));
            }
            sum += first;
        }
        assertThat(dropped / (double) n).isCloseTo(p, within(0.02));
        assertThat(sum / n).isCloseTo(1.0, within(0.03));
    }

    @Test
    void stochasticDepthBatchModeDropsAllOrNothing() {
        StochasticDepth sd = new StochasticDepth(0.5f, StochasticDepth.Mode.BATCH);
        NDArray x = manager.ones(new Shape(8, 1, 1, 1));
        for (int trial = 0; trial < 10; trial++) {
            float[] y = sd.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow().toFloatArray();
            for (float v : y) {
                assertThat(v).isEqualTo(y[0]);
            }
        }
    }

    @Test
    void squeezeExcitationScalesChannelsByTheGate() {
        SqueezeExcitation se = new SqueezeExcitation(4, 2, Activation.RELU, Activation.SIGMOID);
        se.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 3, 3));
        // zero weights: the gate is sigmoid(bias2) per channel = sigmoid(0) = 0.5 (biases zero-initialised)
        se.getParameters().values().forEach(p -> p.getArray().muli(0));
        NDArray x = manager.randomNormal(new Shape(2, 4, 3, 3));
        NDArray y = se.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
        assertThat(y.getShape()).isEqualTo(x.getShape());
        float[] expected = x.mul(0.5f).toFloatArray();
        float[] actual = y.toFloatArray();
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], within(1e-6f));
        }
        assertThat(se.getParameters().keys()).containsExactly("01fc1_weight", "01fc1_bias", "02fc2_weight", "02fc2_bias");
    }

    @Test
    void batchNormUsesRunningStatisticsInEvaluationAndUpdatesThemInTraining() {
        BatchNorm2d bn = new BatchNorm2d(1e-3f, 0.01f);
        bn.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 4, 4));
        NDArray x = manager.randomNormal(2f, 1f, new Shape(2, 3, 4, 4), DataType.FLOAT32);
        NDArray eval = bn.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
        // running mean 0, var 1: y = x / sqrt(1 + eps)
        float[] e = eval.toFloatArray();
        float[] xs = x.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertThat(e[i]).isCloseTo((float) (xs[i] / Math.sqrt(1 + 1e-3)), within(1e-5f));
        }
        bn.forward(new ParameterStore(manager, false), new NDList(x), true);
        float[] mean = bn.getParameters().get("running_mean").getArray().toFloatArray();
        float[] batchMean = x.transpose(1, 0, 2, 3).reshape(3, -1).mean(new int[] {1}).toFloatArray();
        for (int c = 0; c < 3; c++) {
            assertThat(mean[c]).isCloseTo(0.01f * batchMean[c], within(1e-5f));
        }
    }

    @Test
    void convNormActivationHasTorchvisionChildNames() {
        ConvNormActivation cna = ConvNormActivation.builder(8, 3).stride(2).build();
        assertThat(NamedBlock.namedChildren(cna)).extracting(java.util.Map.Entry::getKey).containsExactly("0", "1", "2");
        ConvNormActivation linear = ConvNormActivation.builder(8, 1).activation(Activation.IDENTITY).build();
        assertThat(linear.size()).isEqualTo(2);
        cna.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 17, 17));
        assertThat(cna.getOutputShapes(new Shape[] {new Shape(1, 3, 17, 17)})[0]).isEqualTo(new Shape(1, 8, 9, 9));
    }

    @Test
    void dropoutLinearHeadHasTorchvisionNamesAndIsDeterministicInEvaluation() {
        Sequential head = Heads.dropoutLinear(0.2f, 6, 4);
        head.initialize(manager, DataType.FLOAT32, new Shape(2, 6));
        assertThat(org.visionzoo.core.weights.StateDict.parameters(head).keySet()).containsExactly("1.weight", "1.bias");
        NDArray x = manager.randomNormal(new Shape(2, 6));
        float[] a = head.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow().toFloatArray();
        float[] b = head.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow().toFloatArray();
        assertThat(a).hasSize(8).containsExactly(b);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Heads.dropoutLinear(1f, 6, 4)).hasMessageContaining("dropout must be in [0, 1), got 1.0");
    }
}
