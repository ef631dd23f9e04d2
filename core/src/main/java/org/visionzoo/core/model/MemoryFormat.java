package org.visionzoo.core.model;

import ai.djl.Device;

/**
 * The memory order in which an {@link ImageClassifier} runs its layers: PyTorch's {@code
 * torch.contiguous_format} (NCHW: each channel's plane stored in one piece) or {@code
 * torch.channels_last} (NHWC: a pixel's channels stored together). Shapes, parameter layouts and
 * results are the same in both; only the speed differs.
 *
 * <p>The model converts its input once at the start of a forward pass; libtorch's convolutions,
 * batch norms, poolings and element-wise ops then keep the order of their input, so the whole pass
 * (and its backward pass) runs in it. On the CPU engine channels-last is markedly faster: oneDNN's
 * convolutions work in it natively, where a contiguous input costs a reorder before and after
 * every convolution, and the pooling kernels vectorise over channels (measured in
 * docs/benchmarks.md, "Levers").
 */
public enum MemoryFormat {
    /** Channels-last on CPU devices, the input's own order elsewhere (GPUs: measure first). */
    AUTO,
    /** Always channels-last. */
    CHANNELS_LAST,
    /** The input's own order, unconverted (contiguous NCHW for arrays VisionZoo creates). */
    CONTIGUOUS;

    /**
     * Whether a forward pass on this device converts its input to channels-last.
     *
     * @param device the input's device
     * @return {@code true} to convert
     */
    public boolean channelsLastOn(Device device) {
        return switch (this) {
            case AUTO -> Device.Type.CPU.equals(device.getDeviceType());
            case CHANNELS_LAST -> true;
            case CONTIGUOUS -> false;
        };
    }
}
