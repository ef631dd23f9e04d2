package org.visionzoo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryFormatTest {

    @AfterEach
    void clear() {
        System.clearProperty(MemoryFormat.PROPERTY);
    }

    @Test
    void onlyAnExplicitChannelsLastConvertsOffTheCpu() {
        assertThat(MemoryFormat.AUTO.channelsLastOn(Device.gpu(0), false)).isFalse();
        assertThat(MemoryFormat.CONTIGUOUS.channelsLastOn(Device.gpu(0), true)).isFalse();
        assertThat(MemoryFormat.CHANNELS_LAST.channelsLastOn(Device.gpu(1), false)).isTrue();
        System.setProperty(MemoryFormat.PROPERTY, "channels-last");
        assertThat(MemoryFormat.AUTO.channelsLastOn(Device.gpu(0), false)).isTrue();
    }

    @Test
    void explicitOrdersAreHonouredOnTheCpu() {
        assertThat(MemoryFormat.CONTIGUOUS.channelsLastOn(Device.cpu(), false)).isFalse();
        assertThat(MemoryFormat.CHANNELS_LAST.channelsLastOn(Device.cpu(), false)).isTrue();
        System.setProperty(MemoryFormat.PROPERTY, "contiguous");
        assertThat(MemoryFormat.AUTO.channelsLastOn(Device.cpu(), false)).isFalse();
        assertThat(MemoryFormat.CHANNELS_LAST.channelsLastOn(Device.cpu(), false)).as("the model's own choice wins").isTrue();
    }

    @Test
    void theSettingIsParsedLeniently() {
        assertThat(MemoryFormat.configured()).isEqualTo(MemoryFormat.AUTO);
        System.setProperty(MemoryFormat.PROPERTY, " CHANNELS_LAST ");
        assertThat(MemoryFormat.configured()).isEqualTo(MemoryFormat.CHANNELS_LAST);
        System.setProperty(MemoryFormat.PROPERTY, "Contiguous");
        assertThat(MemoryFormat.configured()).isEqualTo(MemoryFormat.CONTIGUOUS);
        System.setProperty(MemoryFormat.PROPERTY, "auto");
        assertThat(MemoryFormat.configured()).isEqualTo(MemoryFormat.AUTO);
        assertThat(MemoryFormat.CHANNELS_LAST.settingName()).isEqualTo("channels-last");
    }

    @Test
    void anInvalidSettingNamesThePropertyAndTheChoices() {
        System.setProperty(MemoryFormat.PROPERTY, "nhwc");
        assertThatThrownBy(MemoryFormat::configured).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("system property visionzoo.memoryFormat must be auto, channels-last or contiguous, got 'nhwc'");
        assertThatThrownBy(() -> MemoryFormat.AUTO.channelsLastOn(Device.cpu(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("visionzoo.memoryFormat");
    }
}
