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
    void factoriesAndToBuilderGiveTheExpectedConfiguration() {
        ResNet.Config c = ResNet.resnext101_32x8d().config();
        assertThat(c.layers()).containsExactly(3, 4, 23, 3);
        assertThat(c.groups()).isEqualTo(32);
        assertThat(c.widthPerGroup()).isEqualTo(8);
        assertThat(ResNet.wide_resnet50_2().config().widthPerGroup()).isEqualTo(128);
        ResNet r18 = ResNet.resnet18(10);
        ResNet copy = r18.toBuilder().build();
        assertThat(copy.config()).isEqualTo(r18.config());
        assertThat(r18.toBuilder().numClasses(3).build().numClasses()).isEqualTo(3);
        assertThat(r18.featureDim()).isEqualTo(512);
        assertThat(ResNet.resnet50().featureDim()).isEqualTo(2048);
        // the config's arrays are copies
        int[] layers = c.layers();
        layers[0] = 99;
        assertThat(c.layers()[0]).isEqualTo(3);
    }

    @Test
    void cifarDepthMustBeSixNPlusTwo() {
        assertThatThrownBy(() -> CifarResNet.builder().depth(21)).hasMessage("depth must be 6n + 2 with n >= 1 (e.g. 20, 32, 44, 56, 110), got 21");
        assertThatThrownBy(() -> CifarResNet.builder().numClasses(0)).hasMessage("numClasses must be >= 1, got 0");
        assertThat(CifarResNet.resnet110().depth()).isEqualTo(110);
        assertThat(CifarResNet.builder().depth(8).inChannels(1).build().inChannels()).isEqualTo(1);
    }

    @Test
    void childrenCarryTorchvisionModuleNames() {
        assertThat(ResNet.resnet50().backbone()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("conv1", "bn1", "maxpool", "layer1", "layer2", "layer3", "layer4");
        assertThat(ResNet.builder().smallInputStem().build().backbone()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("conv1", "bn1", "layer1", "layer2", "layer3", "layer4");
        assertThat(ResNet.resnet50().headName()).isEqualTo("fc");
    }
}
