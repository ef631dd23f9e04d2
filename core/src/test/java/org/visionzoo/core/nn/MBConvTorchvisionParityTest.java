package org.visionzoo.core.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.KernelSelfCheck;
import org.visionzoo.core.model.MemoryFormat;
import org.visionzoo.core.model.ModelSummary;
import org.visionzoo.core.nn.InvertedResidual.Layout;
import org.visionzoo.core.nn.InvertedResidual.Squeeze;
import org.visionzoo.core.testing.Tolerance;
import org.visionzoo.core.testing.TorchReference;
import org.visionzoo.core.testing.TorchReference.Fixture;
import org.visionzoo.core.testing.TorchReference.Options;
import org.visionzoo.core.weights.Weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Each block against torchvision's own block (built by torchref.py from its resolved
 * configuration): the weights import strictly, the parameter counts agree and the outputs match
 * within {@code 1e-4 + 1e-3 |torch|} on an odd-sized input.
 */
class MBConvTorchvisionParityTest {

    @TempDir Path dir;

    private static InvertedResidual ir(int in, int exp, int out, int k, int s, int d, Activation act,
            Squeeze se, float eps, float momentum, float sd, Layout layout) {
        return new InvertedResidual(new InvertedResidual.Config(in, exp, out, k, s, d, act, se, eps, momentum, sd, layout));
    }

    static Stream<Arguments> blocks() {
        Squeeze v3se = new Squeeze(24, Activation.RELU, Activation.HARD_SIGMOID);
        return Stream.of(
                Arguments.of("ir_v2_block_16_96_16_s1",
                        ir(16, 96, 16, 3, 1, 1, Activation.RELU6, null, 1e-5f, 0.1f, 0f, Layout.MOBILENET_V2)),
                Arguments.of("ir_v2_block_16_16_24_s2",
                        ir(16, 16, 24, 3, 2, 1, Activation.RELU6, null, 1e-5f, 0.1f, 0f, Layout.MOBILENET_V2)),
                Arguments.of("ir_v3_block_16_96_16_k5_s1_d1_hs_se",
                        ir(16, 96, 16, 5, 1, 1, Activation.HARD_SWISH, v3se, 1e-3f, 0.01f, 0f, Layout.BLOCK)),
                Arguments.of("ir_v3_block_16_64_24_k3_s2_d2_re",
                        ir(16, 64, 24, 3, 2, 2, Activation.RELU, null, 1e-3f, 0.01f, 0f, Layout.BLOCK)),
                Arguments.of("ir_v3_block_16_16_16_k3_s2_d1_re_se",
                        ir(16, 16, 16, 3, 2, 1, Activation.RELU, new Squeeze(8, Activation.RELU, Activation.HARD_SIGMOID),
                                1e-3f, 0.01f, 0f, Layout.BLOCK)),
                Arguments.of("mbconv_block_16_96_16_k5_s1",
                        ir(16, 96, 16, 5, 1, 1, Activation.SILU, new Squeeze(4, Activation.SILU, Activation.SIGMOID),
                                1e-5f, 0.1f, 0.2f, Layout.BLOCK)),
                Arguments.of("fused_mbconv_block_16_64_16_k3_s1",
                        new FusedMBConv(new FusedMBConv.Config(16, 64, 16, 3, 1, Activation.SILU, 1e-3f, 0.1f, 0.2f))),
                Arguments.of("fused_mbconv_block_16_16_24_k3_s2",
                        new FusedMBConv(new FusedMBConv.Config(16, 16, 24, 3, 2, Activation.SILU, 1e-3f, 0.1f, 0.2f))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void importedTorchWeightsGiveTorchOutputs(String name, Block block) throws IOException {
        Options options = Options.defaults().withInChannels(16).withSize(11, 9).withBatch(2)
                .withSeed(name.hashCode() & 0xffff);
        Fixture fixture = TorchReference.make(name, dir, options);
        try (NDManager manager = NDManager.newBaseManager()) {
            block.initialize(manager, DataType.FLOAT32, new Shape(fixture.inputShape()));
            assertThat(ModelSummary.countParameters(block)).as("parameters").isEqualTo(fixture.parameterCount());
            Weights.load(block, fixture.weights());
            NDArray input = manager.create(fixture.inputValues(), new Shape(fixture.inputShape()));
            boolean defaultOrder = MemoryFormat.AUTO.channelsLastOn(Device.cpu(), false);
            for (boolean channelsLast : new boolean[] {true, false}) {
                // the default order always; the other where this CPU passed the self-check in it
                if (channelsLast != defaultOrder && !KernelSelfCheck.passed(channelsLast, false)) {
                    continue;
                }
                PassOrder.Scope order = PassOrder.channelsLast(channelsLast);
                try {
                    NDArray out = Inference.forward(block, channelsLast ? Ops.channelsLast(input) : input);
                    assertThat(out.getShape()).isEqualTo(new Shape(fixture.outputShape()));
                    Tolerance.assertAllClose(name + (channelsLast ? " channels-last" : " contiguous"), out.toFloatArray(),
                            fixture.expectedLogits());
                } finally {
                    order.close();
                }
            }
        }
    }
}
