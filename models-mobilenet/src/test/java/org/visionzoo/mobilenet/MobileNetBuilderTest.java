package org.visionzoo.mobilenet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.InvertedResidual;
import org.visionzoo.core.nn.NamedBlock;
import org.visionzoo.core.nn.Sequential;
import org.visionzoo.core.weights.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builder validation, configurations, stage tables and module names (no engine needed but for the keys). */
class MobileNetBuilderTest {

    private static List<String> names(Block block) {
        return NamedBlock.namedChildren(block).stream().map(Map.Entry::getKey).toList();
    }

    @Test
    void settersRejectBadValuesNamingFieldAndValue() {
        MobileNetV1.Builder v1 = MobileNetV1.builder();
        assertThatThrownBy(() -> v1.widthMultiplier(0)).hasMessage("widthMultiplier must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> v1.widthMultiplier(1.25)).hasMessage("widthMultiplier must be in (0, 1], got 1.25");
        assertThatThrownBy(() -> v1.widthMultiplier(Double.NaN)).hasMessage("widthMultiplier must be in (0, 1], got NaN");
        assertThatThrownBy(() -> v1.imageSize(0)).hasMessage("imageSize must be >= 1, got 0");
        assertThatThrownBy(() -> v1.resolutionMultiplier(1.5)).hasMessage("resolutionMultiplier must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> v1.dropout(1)).hasMessage("dropout must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> v1.numClasses(0)).hasMessage("numClasses must be >= 1, got 0");
        assertThatThrownBy(() -> v1.inChannels(-1)).hasMessage("inChannels must be >= 1, got -1");

        MobileNetV2.Builder v2 = MobileNetV2.builder();
        assertThatThrownBy(() -> v2.widthMultiplier(-0.5)).hasMessage("widthMultiplier must be in (0, 10], got -0.5");
        assertThatThrownBy(() -> v2.widthMultiplier(Double.POSITIVE_INFINITY)).hasMessage("widthMultiplier must be in (0, 10], got Infinity");
        assertThatThrownBy(() -> v2.roundNearest(0)).hasMessage("roundNearest must be >= 1, got 0");
        assertThatThrownBy(() -> v2.dropout(-0.1)).hasMessage("dropout must be in [0, 1), got -0.1");
        assertThatThrownBy(() -> v2.numClasses(0)).hasMessage("numClasses must be >= 1, got 0");
        assertThatThrownBy(() -> v2.inChannels(0)).hasMessage("inChannels must be >= 1, got 0");
        assertThatThrownBy(() -> v2.rows(List.of())).hasMessage("rows must have at least 1 entry, got []");
        assertThatThrownBy(() -> v2.rows(null)).hasMessage("rows must have at least 1 entry, got null");

        MobileNetV3.Builder v3 = MobileNetV3.builder();
        assertThatThrownBy(() -> v3.widthMultiplier(0)).hasMessage("widthMultiplier must be in (0, 10], got 0.0");
        assertThatThrownBy(() -> v3.dropout(1.5)).hasMessage("dropout must be in [0, 1), got 1.5");
        assertThatThrownBy(() -> v3.numClasses(-3)).hasMessage("numClasses must be >= 1, got -3");
        assertThatThrownBy(() -> v3.inChannels(0)).hasMessage("inChannels must be >= 1, got 0");
        assertThatThrownBy(() -> v3.arch(null)).isInstanceOf(NullPointerException.class).hasMessage("arch");
    }

    @Test
    void stageRowsValidateTheirFields() {
        assertThatThrownBy(() -> new MobileNetV1.Row(3, 64)).hasMessage("stride must be 1 or 2, got 3");
        assertThatThrownBy(() -> new MobileNetV1.Row(1, 0)).hasMessage("out must be >= 1, got 0");
        assertThatThrownBy(() -> new MobileNetV2.Row(0, 16, 1, 1)).hasMessage("t must be >= 1, got 0");
        assertThatThrownBy(() -> new MobileNetV2.Row(6, 0, 1, 1)).hasMessage("c must be >= 1, got 0");
        assertThatThrownBy(() -> new MobileNetV2.Row(6, 16, 0, 1)).hasMessage("n must be >= 1, got 0");
        assertThatThrownBy(() -> new MobileNetV2.Row(6, 16, 1, 4)).hasMessage("s must be 1 or 2, got 4");
        assertThatThrownBy(() -> new MobileNetV3.Row(4, 16, 16, false, Activation.RELU, 1, 1))
                .hasMessage("kernel must be odd and >= 1, got 4");
        assertThatThrownBy(() -> new MobileNetV3.Row(3, 0, 16, false, Activation.RELU, 1, 1)).hasMessage("expanded must be >= 1, got 0");
        assertThatThrownBy(() -> new MobileNetV3.Row(3, 16, 0, false, Activation.RELU, 1, 1)).hasMessage("out must be >= 1, got 0");
        assertThatThrownBy(() -> new MobileNetV3.Row(3, 16, 16, false, null, 1, 1)).isInstanceOf(NullPointerException.class)
                .hasMessage("activation");
        assertThatThrownBy(() -> new MobileNetV3.Row(3, 16, 16, false, Activation.RELU, 3, 1)).hasMessage("stride must be 1 or 2, got 3");
        assertThatThrownBy(() -> new MobileNetV3.Row(3, 16, 16, false, Activation.RELU, 1, 0)).hasMessage("dilation must be >= 1, got 0");
    }

    @Test
    void theIssuesBuilderChainsBuild() {
        MobileNetV1 v1 = MobileNetV1.builder().widthMultiplier(0.5).numClasses(10).build();
        assertThat(v1.config().widthMultiplier()).isEqualTo(0.5);
        assertThat(v1.numClasses()).isEqualTo(10);
        assertThat(v1.featureDim()).isEqualTo(512);
        MobileNetV3 v3 = MobileNetV3.builder().large().widthMultiplier(1.0).dropout(0.2).numClasses(1000).build();
        assertThat(v3.config()).isEqualTo(MobileNetV3.builder().large().build().config());
        assertThat(MobileNetV2.builder().widthMultiplier(1.0).roundNearest(8).dropout(0.2).build().config())
                .isEqualTo(MobileNetV2.builder().build().config());
    }

    @Test
    void v1WidthAndResolutionMultipliers() {
        assertThat(MobileNetV1.builder().widthMultiplier(0.75).numClasses(1000).build().config().channels(32)).isEqualTo(24);
        assertThat(MobileNetV1.builder().widthMultiplier(0.25).numClasses(1000).build().featureDim()).isEqualTo(256);
        assertThat(MobileNetV1.builder().widthMultiplier(0.5).numClasses(1000).build().featureDim()).isEqualTo(512);
        // TF-slim's rule: floor(alpha * C), at least 8
        assertThat(MobileNetV1.builder().widthMultiplier(0.1).build().config().channels(32)).isEqualTo(8);
        assertThat(MobileNetV1.builder().widthMultiplier(0.3).build().config().channels(64)).isEqualTo(19);
        assertThat(MobileNetV1.builder().resolutionMultiplier(160 / 224.0).build().config().imageSize()).isEqualTo(160);
        assertThat(MobileNetV1.builder().imageSize(128).build().config().resolutionMultiplier()).isEqualTo(128 / 224.0);
        assertThat(MobileNetV1.ROWS).hasSize(13);
        assertThat(MobileNetV1.ROWS.stream().filter(r -> r.stride() == 2)).hasSize(4);
        MobileNetV1 d = MobileNetV1.builder().dropout(0.1).build();
        assertThat(d.toBuilder().build().config()).isEqualTo(d.config());
    }

    @Test
    void v2WidthMultiplierUsesMakeDivisibleAsTorchvision() {
        MobileNetV2.Config half = MobileNetV2.builder().widthMultiplier(0.5).build().config();
        assertThat(half.stemChannels()).isEqualTo(16);
        assertThat(half.lastChannel()).isEqualTo(1280); // max(1, width)
        List<InvertedResidual.Config> blocks = half.blocks();
        assertThat(blocks).hasSize(17);
        assertThat(blocks.get(0).outChannels()).isEqualTo(8);    // 16 * 0.5
        assertThat(blocks.get(1).outChannels()).isEqualTo(16);   // 24 * 0.5 = 12 -> 16
        assertThat(blocks.get(16).outChannels()).isEqualTo(160);
        MobileNetV2.Config wide = MobileNetV2.builder().widthMultiplier(1.4).build().config();
        assertThat(wide.stemChannels()).isEqualTo(48);           // 44.8 -> 48
        assertThat(wide.lastChannel()).isEqualTo(1792);
        assertThat(MobileNetV2.builder().widthMultiplier(0.35).roundNearest(1).build().config().stemChannels()).isEqualTo(11);

        List<InvertedResidual.Config> full = MobileNetV2.builder().build().config().blocks();
        assertThat(full.get(0).expandedChannels()).isEqualTo(32); // t = 1: no expansion
        assertThat(full.get(1).expandedChannels()).isEqualTo(96);
        assertThat(full.get(1).stride()).isEqualTo(2);
        assertThat(full.get(2).stride()).isEqualTo(1);
        assertThat(full.stream().filter(InvertedResidual.Config::hasResidual)).hasSize(10);
        assertThat(full).allMatch(b -> b.activation() == Activation.RELU6 && b.bnEps() == 1e-5f
                && b.layout() == InvertedResidual.Layout.MOBILENET_V2);
        MobileNetV2 custom = MobileNetV2.builder().rows(List.of(new MobileNetV2.Row(1, 16, 1, 1), new MobileNetV2.Row(6, 24, 2, 2)))
                .numClasses(4).build();
        assertThat(names(custom.child("features"))).containsExactly("0", "1", "2", "3", "4");
    }

    @Test
    void v3TablesSqueezeChannelsAndTailOptionsFollowTorchvision() {
        MobileNetV3.Config large = MobileNetV3.builder().large().build().config();
        List<InvertedResidual.Config> blocks = large.blocks();
        assertThat(blocks).hasSize(15);
        assertThat(large.stemChannels()).isEqualTo(16);
        assertThat(large.lastConvChannels()).isEqualTo(960);
        assertThat(large.lastChannel()).isEqualTo(1280);
        assertThat(blocks.get(3).squeeze().channels()).isEqualTo(24);   // 72 // 4 = 18 -> 24
        assertThat(blocks.get(3).squeeze().gate()).isEqualTo(Activation.HARD_SIGMOID);
        assertThat(blocks.get(3).squeeze().activation()).isEqualTo(Activation.RELU);
        assertThat(blocks.get(0).squeeze()).isNull();
        assertThat(blocks).allMatch(b -> b.bnEps() == 0.001f && b.bnMomentum() == 0.01f && b.layout() == InvertedResidual.Layout.BLOCK);
        assertThat(blocks.get(6).activation()).isEqualTo(Activation.HARD_SWISH);

        MobileNetV3.Config small = MobileNetV3.builder().small().build().config();
        assertThat(small.blocks()).hasSize(11);
        assertThat(small.lastConvChannels()).isEqualTo(576);
        assertThat(small.lastChannel()).isEqualTo(1024);
        assertThat(small.blocks().get(0).squeeze().channels()).isEqualTo(8);

        MobileNetV3.Config tail = MobileNetV3.builder().small().reducedTail().dilated().build().config();
        List<MobileNetV3.Row> rows = tail.rows();
        assertThat(rows.get(8)).isEqualTo(new MobileNetV3.Row(5, 288, 48, true, Activation.HARD_SWISH, 2, 2));
        assertThat(rows.get(9)).isEqualTo(new MobileNetV3.Row(5, 288, 48, true, Activation.HARD_SWISH, 1, 2));
        assertThat(tail.lastChannel()).isEqualTo(512);
        assertThat(tail.lastConvChannels()).isEqualTo(288);

        MobileNetV3.Config wide = MobileNetV3.builder().widthMultiplier(0.75).build().config();
        assertThat(wide.lastChannel()).isEqualTo(960);   // torchvision scales last_channel too
        assertThat(wide.lastConvChannels()).isEqualTo(720);
        MobileNetV3 m = MobileNetV3.builder().small().numClasses(10).build();
        assertThat(m.toBuilder().build().config()).isEqualTo(m.config());
        assertThat(m.toBuilder().large().build().config().arch()).isEqualTo(MobileNetV3.Arch.LARGE);
    }

    @Test
    void childrenCarryTorchvisionModuleNames() {
        MobileNetV2 v2 = MobileNetV2.builder().build();
        assertThat(v2.headName()).isEqualTo("classifier");
        assertThat(v2.backbone()).extracting(Map.Entry::getKey).containsExactly("features");
        assertThat(names(v2.child("features"))).hasSize(19);
        assertThat(names(v2.child("classifier"))).containsExactly("0", "1");
        MobileNetV3 v3 = MobileNetV3.builder().large().build();
        assertThat(names(v3.child("features"))).hasSize(17);
        assertThat(names(v3.child("classifier"))).containsExactly("0", "1", "2", "3");
        assertThat(names(MobileNetV3.builder().small().build().child("features"))).hasSize(13);
        MobileNetV1 v1 = MobileNetV1.builder().build();
        assertThat(names(v1.child("features"))).hasSize(14);
        assertThat(names(((Sequential) v1.child("features")).child("5"))).containsExactly("0", "1");
    }

    @Test
    void stateDictKeysAreTorchvisions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MobileNetV3 v3 = MobileNetV3.builder().small().numClasses(10).build();
            v3.initialize(manager, 32);
            List<String> keys = new ArrayList<>(StateDict.parameters(v3).keySet());
            assertThat(keys).startsWith("features.0.0.weight", "features.0.1.weight", "features.0.1.bias",
                    "features.0.1.running_mean", "features.0.1.running_var",
                    // block 1 (16 -> 16, SE, stride 2): no expansion
                    "features.1.block.0.0.weight", "features.1.block.0.1.weight", "features.1.block.0.1.bias",
                    "features.1.block.0.1.running_mean", "features.1.block.0.1.running_var",
                    "features.1.block.1.fc1.weight", "features.1.block.1.fc1.bias",
                    "features.1.block.1.fc2.weight", "features.1.block.1.fc2.bias",
                    "features.1.block.2.0.weight");
            assertThat(keys).endsWith("features.12.0.weight", "features.12.1.weight", "features.12.1.bias",
                    "features.12.1.running_mean", "features.12.1.running_var",
                    "classifier.0.weight", "classifier.0.bias", "classifier.3.weight", "classifier.3.bias");

            MobileNetV2 v2 = MobileNetV2.builder().numClasses(10).build();
            v2.initialize(manager, 32);
            List<String> v2keys = new ArrayList<>(StateDict.parameters(v2).keySet());
            assertThat(v2keys).contains("features.1.conv.0.0.weight", "features.1.conv.1.weight", "features.1.conv.2.running_var",
                    "features.2.conv.0.0.weight", "features.2.conv.1.0.weight", "features.2.conv.2.weight",
                    "features.2.conv.3.bias", "features.18.0.weight");
            assertThat(v2keys).endsWith("classifier.1.weight", "classifier.1.bias");

            MobileNetV1 v1 = MobileNetV1.builder().widthMultiplier(0.25).numClasses(10).build();
            v1.initialize(manager, 32);
            List<String> v1keys = new ArrayList<>(StateDict.parameters(v1).keySet());
            assertThat(v1keys).startsWith("features.0.0.weight", "features.0.1.weight", "features.0.1.bias",
                    "features.0.1.running_mean", "features.0.1.running_var", "features.1.0.0.weight",
                    "features.1.0.1.weight", "features.1.0.1.bias", "features.1.0.1.running_mean",
                    "features.1.0.1.running_var", "features.1.1.0.weight");
            assertThat(v1keys).endsWith("features.13.1.1.running_var", "classifier.1.weight", "classifier.1.bias");
            // depthwise: one 3x3 filter per channel
            assertThat(StateDict.parameters(v1).get("features.1.0.0.weight").getArray().getShape().getShape())
                    .containsExactly(8, 1, 3, 3);
        }
    }

    @Test
    void classifierInitialisationIsTorchvisions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MobileNetV2 v2 = MobileNetV2.builder().numClasses(1000).build();
            v2.initialize(manager, 32);
            var params = StateDict.parameters(v2);
            double std = params.get("classifier.1.weight").getArray().toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                    .pow(2).mean().sqrt().getDouble();
            assertThat(std).isBetween(0.0095, 0.0105);   // N(0, 0.01) over 1.28M weights
            assertThat(params.get("classifier.1.bias").getArray().abs().max().getFloat()).isZero();
            assertThat(params.get("features.1.conv.2.weight").getArray().mean().getFloat()).isEqualTo(1f); // BN weight ones
        }
    }
}
