package org.visionzoo.densenet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.nn.NamedBlock;
import org.visionzoo.core.weights.StateDict;

import java.util.Map;

/** Builder validation, configurations and module names. */
class DenseNetBuilderTest {

    @Test
    void settersRejectBadValuesNamingFieldAndValue() {
        DenseNet.Builder b = DenseNet.builder();
        assertThatThrownBy(() -> b.growthRate(0)).hasMessage("growthRate must be >= 1, got 0");
        assertThatThrownBy(() -> b.blockConfig()).hasMessage("blockConfig must have at least 1 entry, got []");
        assertThatThrownBy(() -> b.blockConfig((int[]) null)).hasMessage("blockConfig must have at least 1 entry, got null");
        assertThatThrownBy(() -> b.blockConfig(6, 0, 24)).hasMessage("blockConfig entries must be >= 1, got [6, 0, 24]");
        assertThatThrownBy(() -> b.numInitFeatures(0)).hasMessage("numInitFeatures must be >= 1, got 0");
        assertThatThrownBy(() -> b.bnSize(-1)).hasMessage("bnSize must be >= 1, got -1");
        assertThatThrownBy(() -> b.compression(0)).hasMessage("compression must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> b.compression(1.5)).hasMessage("compression must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> b.compression(Double.NaN)).hasMessage("compression must be in (0, 1], got NaN");
        assertThatThrownBy(() -> b.dropRate(1)).hasMessage("dropRate must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> b.dropRate(-0.1)).hasMessage("dropRate must be in [0, 1), got -0.1");
        assertThatThrownBy(() -> b.numClasses(0)).hasMessage("numClasses must be >= 1, got 0");
        assertThatThrownBy(() -> b.inChannels(0)).hasMessage("inChannels must be >= 1, got 0");
        assertThatThrownBy(() -> DenseNet.bcBuilder(101, 12)).hasMessage("depth must be 6n + 4 with n >= 1 (e.g. 100, 190, 250), got 101");
        assertThatThrownBy(() -> DenseNet.bcBuilder(4, 12)).hasMessage("depth must be 6n + 4 with n >= 1 (e.g. 100, 190, 250), got 4");
        assertThatThrownBy(() -> DenseNet.bcBuilder(100, 0)).hasMessage("growthRate must be >= 1, got 0");
    }

    @Test
    void buildRejectsACompressionThatLeavesNoChannels() {
        assertThatThrownBy(() -> DenseNet.builder().growthRate(1).blockConfig(1, 1).numInitFeatures(1).compression(0.4).build())
                .hasMessage("compression 0.4 leaves transition1 with no channels");
    }

    @Test
    void theBriefsBuilderChainBuildsDenseNet121() {
        DenseNet built = DenseNet.builder().growthRate(32).blockConfig(6, 12, 24, 16).numInitFeatures(64).bnSize(4)
                .compression(0.5).dropRate(0).numClasses(1000).build();
        assertThat(built.config()).isEqualTo(DenseNetVariant.DENSENET121.builder().build().config());
        DenseNet small = DenseNet.builder().smallInputStem().inChannels(1).numClasses(7).build();
        assertThat(small.config().smallInputStem()).isTrue();
        assertThat(small.inChannels()).isEqualTo(1);
        assertThat(small.numClasses()).isEqualTo(7);
    }

    @Test
    void factoriesAndToBuilderGiveTheExpectedConfiguration() {
        DenseNet.Config c = DenseNetVariant.DENSENET161.builder().build().config();
        assertThat(c.growthRate()).isEqualTo(48);
        assertThat(c.blockConfig()).containsExactly(6, 12, 36, 24);
        assertThat(c.numInitFeatures()).isEqualTo(96);
        assertThat(DenseNetVariant.DENSENET169.builder().build().config().blockConfig()).containsExactly(6, 12, 32, 32);
        assertThat(DenseNetVariant.DENSENET201.builder().build().config().blockConfig()).containsExactly(6, 12, 48, 32);
        assertThat(DenseNetVariant.DENSENET121.builder().build().featureDim()).isEqualTo(1024);
        assertThat(DenseNetVariant.DENSENET161.builder().build().featureDim()).isEqualTo(2208);
        assertThat(DenseNetVariant.DENSENET169.builder().build().featureDim()).isEqualTo(1664);
        assertThat(DenseNetVariant.DENSENET201.builder().build().featureDim()).isEqualTo(1920);

        DenseNet.Config bc = DenseNetVariant.DENSENET_BC_190_40.builder().build().config();
        assertThat(bc.blockConfig()).containsExactly(31, 31, 31);
        assertThat(bc.numInitFeatures()).isEqualTo(80);
        assertThat(bc.compression()).isEqualTo(0.5);
        assertThat(bc.smallInputStem()).isTrue();
        assertThat(bc.numClasses()).isEqualTo(10);
        assertThat(DenseNetVariant.DENSENET_BC_100_12.builder().build().config().blockConfig()).containsExactly(16, 16, 16);
        assertThat(DenseNetVariant.DENSENET_BC_100_12.builder().build().featureDim()).isEqualTo(342);
        assertThat(DenseNetVariant.DENSENET_BC_250_24.builder().numClasses(100).build().numClasses()).isEqualTo(100);

        DenseNet d = DenseNetVariant.DENSENET121.builder().numClasses(10).build();
        assertThat(d.toBuilder().build().config()).isEqualTo(d.config());
        assertThat(d.toBuilder().dropRate(0.2).build().config().dropRate()).isEqualTo(0.2);
        assertThat(d.toBuilder().compression(1).build().featureDim()).isEqualTo(64 + 32 * (6 + 12 + 24 + 16));
        assertThatThrownBy(() -> c.blockConfig().set(0, 99)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(c.toString()).contains("blockConfig=[6, 12, 36, 24]");
        assertThat(d.toBuilder().dropout(0.3).build().config().dropout()).isEqualTo(0.3);
    }

    @Test
    void childrenCarryTorchvisionModuleNames() {
        DenseNet d = DenseNetVariant.DENSENET121.builder().build();
        assertThat(d.headName()).isEqualTo("classifier");
        assertThat(d.backbone()).extracting(Map.Entry::getKey).containsExactly("features");
        assertThat(names(d.child("features"))).containsExactly(
                "conv0", "norm0", "relu0", "pool0", "denseblock1", "transition1", "denseblock2",
                "transition2", "denseblock3", "transition3", "denseblock4", "norm5");
        NamedBlock features = (NamedBlock) d.child("features");
        assertThat(names(features.child("denseblock3"))).hasSize(24).startsWith("denselayer1").endsWith("denselayer24");
        assertThat(names(((NamedBlock) features.child("denseblock1")).child("denselayer1")))
                .containsExactly("norm1", "relu1", "conv1", "norm2", "relu2", "conv2");
        assertThat(names(features.child("transition1"))).containsExactly("norm", "relu", "conv", "pool");
        assertThat(names(DenseNetVariant.DENSENET_BC_100_12.builder().build().child("features"))).containsExactly(
                "conv0", "denseblock1", "transition1", "denseblock2", "transition2", "denseblock3", "norm5");
    }

    @Test
    void stateDictKeysAreTorchvisions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DenseNet d = DenseNet.builder().blockConfig(2, 1).numClasses(3).build();
            d.initialize(manager, 32);
            assertThat(StateDict.parameters(d).keySet()).containsExactly(
                    "features.conv0.weight",
                    "features.norm0.weight", "features.norm0.bias", "features.norm0.running_mean", "features.norm0.running_var",
                    "features.denseblock1.denselayer1.norm1.weight", "features.denseblock1.denselayer1.norm1.bias",
                    "features.denseblock1.denselayer1.norm1.running_mean", "features.denseblock1.denselayer1.norm1.running_var",
                    "features.denseblock1.denselayer1.conv1.weight",
                    "features.denseblock1.denselayer1.norm2.weight", "features.denseblock1.denselayer1.norm2.bias",
                    "features.denseblock1.denselayer1.norm2.running_mean", "features.denseblock1.denselayer1.norm2.running_var",
                    "features.denseblock1.denselayer1.conv2.weight",
                    "features.denseblock1.denselayer2.norm1.weight", "features.denseblock1.denselayer2.norm1.bias",
                    "features.denseblock1.denselayer2.norm1.running_mean", "features.denseblock1.denselayer2.norm1.running_var",
                    "features.denseblock1.denselayer2.conv1.weight",
                    "features.denseblock1.denselayer2.norm2.weight", "features.denseblock1.denselayer2.norm2.bias",
                    "features.denseblock1.denselayer2.norm2.running_mean", "features.denseblock1.denselayer2.norm2.running_var",
                    "features.denseblock1.denselayer2.conv2.weight",
                    "features.transition1.norm.weight", "features.transition1.norm.bias",
                    "features.transition1.norm.running_mean", "features.transition1.norm.running_var",
                    "features.transition1.conv.weight",
                    "features.denseblock2.denselayer1.norm1.weight", "features.denseblock2.denselayer1.norm1.bias",
                    "features.denseblock2.denselayer1.norm1.running_mean", "features.denseblock2.denselayer1.norm1.running_var",
                    "features.denseblock2.denselayer1.conv1.weight",
                    "features.denseblock2.denselayer1.norm2.weight", "features.denseblock2.denselayer1.norm2.bias",
                    "features.denseblock2.denselayer1.norm2.running_mean", "features.denseblock2.denselayer1.norm2.running_var",
                    "features.denseblock2.denselayer1.conv2.weight",
                    "features.norm5.weight", "features.norm5.bias", "features.norm5.running_mean", "features.norm5.running_var",
                    "classifier.weight", "classifier.bias");
            // (64 + 2 * 32) // 2 = 64 channels after transition1, + 32 in block 2
            assertThat(d.featureDim()).isEqualTo(96);
        }
    }

    private static java.util.List<String> names(ai.djl.nn.Block block) {
        return NamedBlock.namedChildren(block).stream().map(Map.Entry::getKey).toList();
    }
}
