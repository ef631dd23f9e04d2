package org.visionzoo.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

class MemoryFormatTest {

    @Test
    void autoIsChannelsLastOnTheCpuOnly() {
        assertThat(MemoryFormat.AUTO.channelsLastOn(Device.cpu())).isTrue();
        assertThat(MemoryFormat.AUTO.channelsLastOn(Device.gpu(0))).isFalse();
        assertThat(MemoryFormat.CHANNELS_LAST.channelsLastOn(Device.gpu(1))).isTrue();
        assertThat(MemoryFormat.CONTIGUOUS.channelsLastOn(Device.cpu())).isFalse();
    }
}
