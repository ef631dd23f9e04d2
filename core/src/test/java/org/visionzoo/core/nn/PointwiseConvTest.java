package org.visionzoo.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.testing.ProcessMemory;

/**
 * The pointwise convolutions of {@link Layers#conv} run as matrix products: against libtorch's own
 * float64 convolution, in both pass orders and for input of either order, with stride and bias,
 * folded, forward and backward; with flat memory over thousands of training steps.
 */
class PointwiseConvTest {

    @AutoClose private final NDManager manager = NDManager.newBaseManager();

    @ParameterizedTest(name = "stride {0}, bias {1}, channels-last pass {2}, channels-last input {3}")
    @CsvSource({
        "1, false, true, true", "2, false, true, true", "1, true, true, true", "2, true, true, true",
        "1, false, false, false", "2, true, false, false",
        "1, false, true, false", "2, true, false, true"
    })
    void matchesLibtorchsFloat64ConvolutionForwardAndBackward(int stride, boolean bias, boolean channelsLastPass, boolean channelsLastInput) {
        Conv2d conv = Layers.conv(40, 1, stride, 0, 1, 1, bias);
        assertThat(((FoldableConv2d) conv).isPointwise()).isTrue();
        Shape shape = new Shape(3, 24, 11, 9);
        conv.initialize(manager, DataType.FLOAT32, shape);
        if (bias) {
            conv.getParameters().get("bias").getArray().addi(manager.randomNormal(new Shape(40)));
        }
        NDArray base = manager.randomNormal(shape);
        NDArray x = channelsLastInput ? Ops.channelsLast(base) : base.duplicate();
        x.setRequiresGradient(true);
        NDArray w = conv.getParameters().get("weight").getArray();
        NDArray x64 = base.toType(DataType.FLOAT64, true);
        NDArray w64 = w.toType(DataType.FLOAT64, true);
        NDArray b64 = bias ? conv.getParameters().get("bias").getArray().toType(DataType.FLOAT64, true) : null;
        x64.setRequiresGradient(true);
        w64.setRequiresGradient(true);

        PassOrder.Scope order = PassOrder.channelsLast(channelsLastPass);
        try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
            NDArray y = conv.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
            NDArray y64 = Conv2d.conv2d(x64, w64, b64, new Shape(stride, stride), new Shape(0, 0), new Shape(1, 1), 1)
                    .singletonOrThrow();
            assertThat(y.getShape()).isEqualTo(y64.getShape());
            assertClose("output", y, y64);
            NDArray upstream = manager.randomNormal(y.getShape());
            gc.backward(y.mul(upstream).sum());
            gc.backward(y64.mul(upstream.toType(DataType.FLOAT64, false)).sum());
        } finally {
            order.close();
        }
        assertClose("input gradient", x.getGradient(), x64.getGradient());
        assertClose("weight gradient", w.getGradient(), w64.getGradient());
    }

    @Test
    void foldedPointwiseConvolutionKeepsTheLogitsInBothOrders() {
        Sequential block = new Sequential().add(ConvNormActivation.builder(40, 1).stride(2).build());
        Shape shape = new Shape(2, 24, 10, 10);
        block.initialize(manager, DataType.FLOAT32, shape);
        for (var p : block.getParameters()) {
            if (p.getKey().contains("running")) {
                p.getValue().getArray().muli(0).addi(manager.randomUniform(0.5f, 1.5f, p.getValue().getArray().getShape()));
            }
        }
        NDArray x = manager.randomNormal(shape);
        NDArray[] before = {pass(block, x, false), pass(block, x, true)};
        assertThat(BatchNormFolding.fold(block)).isEqualTo(1);
        for (boolean channelsLast : new boolean[] {false, true}) {
            NDArray after = pass(block, x, channelsLast);
            assertClose("folded, channels-last " + channelsLast, after, before[channelsLast ? 1 : 0].toType(DataType.FLOAT64, false));
        }
    }

    @Test
    void aWrongInputIsRefusedWithItsShape() {
        Conv2d conv = Layers.conv(8, 1, 1, 1);
        conv.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 5, 5));
        NDArray x = manager.ones(new Shape(1, 6, 5, 5));
        assertThatThrownBy(() -> conv.forward(new ParameterStore(manager, false), new NDList(x), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a 1x1 convolution of 4 input channels needs (N, 4, H, W) input, got shape (1, 6, 5, 5)");
    }

    @Test
    void onlyOneByOneUnpaddedUngroupedConvolutionsAreRouted() {
        assertThat(((FoldableConv2d) Layers.conv(8, 1, 2, 1)).isPointwise()).isTrue();
        assertThat(((FoldableConv2d) Layers.conv(8, 1, 1, 0, 1, 2, true)).isPointwise()).as("dilation is moot").isTrue();
        assertThat(((FoldableConv2d) Layers.conv(8, 1, 1, 1, 1, 1, false)).isPointwise()).as("padded").isFalse();
        assertThat(((FoldableConv2d) Layers.conv(8, 1, 1, 2)).isPointwise()).as("grouped").isFalse();
        assertThat(((FoldableConv2d) Layers.conv(8, 3, 1, 1)).isPointwise()).as("3x3").isFalse();
    }

    @Test
    void trainingStepsInChannelsLastOrderHoldFlatMemory() {
        Conv2d conv = Layers.conv(64, 1, 2, 1);
        Shape shape = new Shape(4, 48, 16, 16);
        conv.initialize(manager, DataType.FLOAT32, shape);
        NDArray x = Ops.channelsLast(manager.randomNormal(shape));
        int arrays = manager.getManagedArrays().size();
        long warm = 0;
        for (int i = 0; i < 3000; i++) {
            if (i == 500) {
                warm = ProcessMemory.rssKb();
            }
            PassOrder.Scope order = PassOrder.channelsLast(true);
            try (NDManager step = manager.newSubManager();
                    GradientCollector gc = manager.getEngine().newGradientCollector()) {
                x.tempAttach(step);
                NDArray y = conv.forward(new ParameterStore(step, false), new NDList(x), true).singletonOrThrow();
                gc.backward(y.sum());
            } finally {
                order.close();
            }
        }
        assertThat(manager.getManagedArrays().size()).as("arrays left on the manager").isEqualTo(arrays);
        // A leaked output or gradient (64 kB, 196 kB a step) would add 160 MB or more; the bound
        // leaves room for the Java heap's pages, which the JVM touches as it cycles through them.
        assertThat(ProcessMemory.rssKb() - warm).as("resident growth over 2,500 steps, kB").isLessThan(64_000);
    }

    private NDArray pass(Block block, NDArray x, boolean channelsLast) {
        PassOrder.Scope order = PassOrder.channelsLast(channelsLast);
        try {
            return Inference.forward(block, channelsLast ? Ops.channelsLast(x) : x);
        } finally {
            order.close();
        }
    }

    private static void assertClose(String what, NDArray actual, NDArray reference) {
        double[] ref = reference.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] act = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        assertThat(act).as(what).hasSameSizeAs(ref);
        double scale = 0;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < ref.length; i++) {
            assertThat(Math.abs(act[i] - ref[i])).as("%s [%d]: %s vs %s", what, i, act[i], ref[i]).isLessThanOrEqualTo(1e-5 * scale);
        }
    }
}
