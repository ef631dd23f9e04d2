package org.visionzoo.resnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Builder validation: no engine needed. */
class ResNetBuilderTest {

    @Test
    void settersRejectBadValuesNamingFieldAndValue() {
        ResNet.Builder b = ResNet.builder();
        assertThatThrownBy(() -> b.layers(3, 4, 6)).hasMessage("layers must have 4 entries (one per stage), got [3, 4, 6]");
        assertThatThrownBy(() -> b.layers(3, 0, 6, 3)).hasMessage("layers entries must be >= 1, got [3, 0, 6, 3]");
        assertThatThrownBy(() -> b.groups(0)).hasMessage("groups must be >= 1, got 0");
        assertThatThrownBy(() -> b.widthPerGroup(-3)).hasMessage("widthPerGroup must be >= 1, got -3");
        assertThatThrownBy(() -> b.numClasses(0)).hasMessage("numClasses must be >= 1, got 0");
        assertThatThrownBy(() -> b.inChannels(0)).hasMessage("inChannels must be >= 1, got 0");
        assertThatThrownBy(() -> b.block(null)).hasMessage("block must not be null");
    }

    @Test
    void buildRejectsCombinationsTorchvisionRefuses() {
        assertThatThrownBy(() -> ResNet.builder().block(ResNet.BlockType.BASIC).groups(32).build())
                .hasMessage("block BASIC supports only groups=1 and widthPerGroup=64, got groups=32, widthPerGroup=64");
        assertThatThrownBy(() -> ResNet.builder().block(ResNet.BlockType.BASIC).replaceStrideWithDilation(false, true, true).build())
                .hasMessageContaining("block BASIC does not support replaceStrideWithDilation");
    }

    @Test
    void toBuilderGivesTheSameConfiguration() {
        ResNet r18 = ResNetVariant.RESNET18.builder().numClasses(10).build();
        ResNet copy = r18.toBuilder().build();
        assertThat(copy.config()).isEqualTo(r18.config());
        assertThat(r18.toBuilder().numClasses(3).build().numClasses()).isEqualTo(3);
        assertThat(r18.featureDim()).isEqualTo(512);
        assertThat(ResNetVariant.RESNET50.builder().build().featureDim()).isEqualTo(2048);
        // the config's lists are immutable copies
        ResNet.Config c = r18.config();
        assertThatThrownBy(() -> c.layers().set(0, 99)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(ResNet.builder().dropout(0.5).build().config().dropout()).isEqualTo(0.5);
        assertThatThrownBy(() -> ResNet.builder().dropout(1)).hasMessage("dropout must be in [0, 1), got 1.0");
    }

    @Test
    void cifarDepthMustBeSixNPlusTwo() {
        assertThatThrownBy(() -> CifarResNet.builder().depth(21)).hasMessage("depth must be 6n + 2 with n >= 1 (e.g. 20, 32, 44, 56, 110), got 21");
        assertThatThrownBy(() -> CifarResNet.builder().numClasses(0)).hasMessage("numClasses must be >= 1, got 0");
        assertThat(CifarResNet.builder().depth(110).build().depth()).isEqualTo(110);
        assertThat(CifarResNet.builder().depth(8).inChannels(1).build().inChannels()).isEqualTo(1);
    }

    @Test
    void cifarToBuilderGivesTheSameConfiguration() {
        CifarResNet model = CifarResNet.builder().depth(32).numClasses(7).inChannels(1).dropout(0.25).build();
        assertThat(model.config()).isEqualTo(new CifarResNet.Config(32, 7, 1, 0.25));
        assertThat(model.toBuilder().build().config()).isEqualTo(model.config());
        assertThat(model.toBuilder().depth(20).build().depth()).isEqualTo(20);
    }

    @Test
    void childrenCarryTorchvisionModuleNames() {
        assertThat(ResNetVariant.RESNET50.builder().build().backbone()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("conv1", "bn1", "maxpool", "layer1", "layer2", "layer3", "layer4");
        assertThat(ResNet.builder().smallInputStem().build().backbone()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("conv1", "bn1", "layer1", "layer2", "layer3", "layer4");
        assertThat(ResNetVariant.RESNET50.builder().build().headName()).isEqualTo("fc");
    }
}
