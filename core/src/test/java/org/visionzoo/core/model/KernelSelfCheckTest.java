package org.visionzoo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.visionzoo.core.TinyNet;
import org.visionzoo.core.nn.PassOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

class KernelSelfCheckTest {

    private static final KernelCase POOL = new KernelCase.GlobalPool(8);

    @AfterEach
    void restore() {
        System.clearProperty(KernelSelfCheck.INJECT_PROPERTY);
        System.clearProperty(MemoryFormat.PROPERTY);
        KernelSelfCheck.useKernels(null);
    }

    @Test
    void everyKernelIsComparedInBothOrdersWithTheFloat64Reference() {
        for (boolean training : new boolean[] {false, true}) {
            KernelSelfCheck.Report report = KernelSelfCheck.run(training);
            assertThat(report.results()).hasSize(2 * KernelSelfCheck.kernels().size());
            assertThat(report.results()).allSatisfy(r -> {
                assertThat(r.batch()).isEqualTo(KernelSelfCheck.BATCH);
                assertThat(r.training()).isEqualTo(training);
            });
            assertThat(report.results().stream().filter(KernelCase.Result::channelsLast))
                    .extracting(KernelCase.Result::kernel).containsExactlyElementsOf(KernelSelfCheck.kernels());
            // VisionZoo cannot compute right on a CPU where neither order is right.
            assertThat(report.passed(true) || report.passed(false))
                    .as("some memory order computes every kernel right on this CPU: %s", report.results())
                    .isTrue();
        }
    }

    @Test
    void theKernelsCoverEveryKindTheModelsRun() {
        List<String> names = KernelSelfCheck.kernels().stream().map(Object::toString).toList();
        assertThat(names).anyMatch(n -> n.startsWith("pointwise conv") && n.contains("stride 2"))
                .anyMatch(n -> n.startsWith("3x3 conv") && n.contains("stride 2"))
                .anyMatch(n -> n.startsWith("7x7 conv"))
                .anyMatch(n -> n.startsWith("grouped 3x3 conv"))
                .anyMatch(n -> n.startsWith("depthwise 3x3 conv"))
                .anyMatch(n -> n.startsWith("depthwise 5x5 conv"))
                .anyMatch(n -> n.startsWith("max pool"))
                .anyMatch(n -> n.startsWith("average pool"))
                .anyMatch(n -> n.startsWith("global average pool"))
                .anyMatch(n -> n.startsWith("batch norm"));
    }

    @Test
    void autoTakesChannelsLastWhenRightElseContiguousElseChannelsLastWithAnError() {
        Optional<KernelCase.Result> none = Optional.empty();
        Optional<KernelCase.Result> fault = Optional.of(new KernelCase.Result(POOL, 2, true, false, 0.5, 0));

        assertThat(KernelSelfCheck.choose(MemoryFormat.AUTO, none, none)).isEqualTo(new KernelSelfCheck.Choice(true, null, false));
        assertThat(KernelSelfCheck.choose(MemoryFormat.AUTO, none, fault)).isEqualTo(new KernelSelfCheck.Choice(true, null, false));

        KernelSelfCheck.Choice fallback = KernelSelfCheck.choose(MemoryFormat.AUTO, fault, none);
        assertThat(fallback.channelsLast()).isFalse();
        assertThat(fallback.error()).isFalse();
        assertThat(fallback.message()).contains("global average pool, 8 channels", "contiguous NCHW order instead",
                "zoo doctor", MemoryFormat.ENVIRONMENT);

        KernelSelfCheck.Choice neither = KernelSelfCheck.choose(MemoryFormat.AUTO, fault, fault);
        assertThat(neither.channelsLast()).isTrue();
        assertThat(neither.error()).isTrue();
        assertThat(neither.message()).contains("results may be wrong");
    }

    @Test
    void explicitOrdersAreHonouredAndWarnedAboutWhenTheyFailed() {
        Optional<KernelCase.Result> none = Optional.empty();
        Optional<KernelCase.Result> fault = Optional.of(new KernelCase.Result(POOL, 2, false, true, 0, 0.3));

        assertThat(KernelSelfCheck.choose(MemoryFormat.CONTIGUOUS, none, none)).isEqualTo(new KernelSelfCheck.Choice(false, null, false));
        assertThat(KernelSelfCheck.choose(MemoryFormat.CHANNELS_LAST, none, none)).isEqualTo(new KernelSelfCheck.Choice(true, null, false));

        KernelSelfCheck.Choice contiguous = KernelSelfCheck.choose(MemoryFormat.CONTIGUOUS, none, fault);
        assertThat(contiguous.channelsLast()).isFalse();
        assertThat(contiguous.message()).contains("contiguous order was requested", "(training, error 0.30)",
                "channels-last order (the default) is right here");

        KernelSelfCheck.Choice channelsLast = KernelSelfCheck.choose(MemoryFormat.CHANNELS_LAST, fault, none);
        assertThat(channelsLast.channelsLast()).isTrue();
        assertThat(channelsLast.message()).contains("channels-last order was requested");
    }

    @Test
    void anInjectedChannelsLastFaultMakesAutoModelsRunContiguousWithOneWarning() {
        // A kernel every host computes right in both orders, then a fault injected in one: the
        // fallback runs for real on any host.
        KernelSelfCheck.useKernels(List.of(POOL));
        System.setProperty(KernelSelfCheck.INJECT_PROPERTY, "channels-last:" + POOL);
        try (NDManager manager = NDManager.newBaseManager()) {
            OrderProbe net = new OrderProbe();
            net.initialize(manager, 16);
            NDArray x = manager.randomNormal(new Shape(2, 3, 16, 16));
            Inference.logits(net, x).close();
            Inference.logits(net, x).close();
            assertThat(net.orders).containsExactly(false, false);
            assertThat(KernelSelfCheck.warnings()).singleElement().asString()
                    .contains("global average pool, 8 channels (forward, error 0.50)", "contiguous NCHW order instead");

            net.memoryFormat(MemoryFormat.CHANNELS_LAST);
            Inference.logits(net, x).close();
            assertThat(net.orders).containsExactly(false, false, true);
            assertThat(KernelSelfCheck.warnings()).hasSize(2).last().asString().contains("channels-last order was requested");
        }
    }

    @Test
    void withoutFaultsAutoRunsChannelsLastAndTheSettingOverridesIt() {
        KernelSelfCheck.useKernels(List.of(POOL));
        try (NDManager manager = NDManager.newBaseManager()) {
            OrderProbe net = new OrderProbe();
            net.initialize(manager, 16);
            NDArray x = manager.randomNormal(new Shape(2, 3, 16, 16));
            Inference.logits(net, x).close();
            System.setProperty(MemoryFormat.PROPERTY, "contiguous");
            Inference.logits(net, x).close();
            System.setProperty(MemoryFormat.PROPERTY, "Channels_Last");
            Inference.logits(net.memoryFormat(MemoryFormat.CONTIGUOUS), x).close();
            assertThat(net.orders).containsExactly(true, false, false);
            assertThat(KernelSelfCheck.warnings()).isEmpty();
            assertThat(KernelSelfCheck.cachedReports()).singleElement().satisfies(r -> assertThat(r.training()).isFalse());
        }
    }

    @Test
    void theFirstTrainingPassAddsTheGradientCheck() {
        KernelSelfCheck.useKernels(List.of(POOL));
        assertThat(MemoryFormat.AUTO.channelsLastOn(Device.cpu(), false)).isTrue();
        assertThat(KernelSelfCheck.cachedReports()).hasSize(1);
        assertThat(MemoryFormat.AUTO.channelsLastOn(Device.cpu(), true)).isTrue();
        assertThat(KernelSelfCheck.cachedReports()).extracting(KernelSelfCheck.Report::training).containsExactly(false, true);
        assertThat(KernelSelfCheck.cachedReports().get(1).results()).allSatisfy(r -> assertThat(r.gradients()).isLessThan(1e-6));
    }

    @Test
    void aBadInjectionIsRefusedNamingTheProperty() {
        System.setProperty(KernelSelfCheck.INJECT_PROPERTY, "sideways");
        assertThatThrownBy(() -> KernelSelfCheck.run(false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(KernelSelfCheck.INJECT_PROPERTY).hasMessageContaining("sideways");
        System.setProperty(KernelSelfCheck.INJECT_PROPERTY, "contiguous:no such kernel");
        assertThatThrownBy(() -> KernelSelfCheck.run(false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no checked kernel: 'no such kernel'");
    }

    /** A TinyNet that records the order each pass declared to its blocks. */
    private static final class OrderProbe extends TinyNet {

        final List<Boolean> orders = new ArrayList<>();

        OrderProbe() {
            super(5);
        }

        @Override
        public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
            orders.add(PassOrder.isChannelsLast());
            return super.forwardFeatures(ps, x, training);
        }
    }
}
