package org.visionzoo.core.model;

import ai.djl.Device;

import java.util.Locale;

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
 * docs/benchmarks.md).
 *
 * <p><b>What {@link #AUTO} picks.</b> The process-wide setting first: the system property
 * {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT}, each {@code auto},
 * {@code channels-last} or {@code contiguous}. When that is {@code auto} (or unset): on CPU devices
 * the order that passed the {@linkplain KernelSelfCheck platform self-check} — run once per process
 * at the first pass, it compares the kernels the models use in both orders with a float64
 * reference; channels-last when it is right, contiguous (with one warning) when only that is — and
 * contiguous order on other devices (GPUs: not measured).
 */
public enum MemoryFormat {
    /** The process-wide setting, else channels-last on CPUs that pass the self-check. */
    AUTO,
    /** Channels-last. */
    CHANNELS_LAST,
    /** Contiguous NCHW order. */
    CONTIGUOUS;

    /** The system property that sets what {@link #AUTO} means for the whole process. */
    public static final String PROPERTY = "visionzoo.memoryFormat";

    /** The environment variable read when {@value #PROPERTY} is not set. */
    public static final String ENVIRONMENT = "VISIONZOO_MEMORY_FORMAT";

    /**
     * Whether a forward pass on this device runs channels-last. {@link #AUTO} defers to the
     * process-wide setting; on a CPU the platform self-check decides what that leaves open, and
     * warns once when an explicitly chosen order failed it (the check runs once per process,
     * gradients too the first time {@code training} is true). Elsewhere only an explicit {@link
     * #CHANNELS_LAST} converts.
     *
     * @param device the input's device
     * @param training whether the pass will be differentiated
     * @return {@code true} for channels-last
     * @throws IllegalArgumentException if the process-wide setting is not a valid value
     */
    public boolean channelsLastOn(Device device, boolean training) {
        MemoryFormat requested = this == AUTO ? configured() : this;
        if (!Device.Type.CPU.equals(device.getDeviceType())) {
            return requested == CHANNELS_LAST;
        }
        return KernelSelfCheck.channelsLastOnCpu(requested, training);
    }

    /**
     * The process-wide setting: {@value #PROPERTY}, else {@value #ENVIRONMENT}, else {@link
     * #AUTO}.
     *
     * @return the configured format
     * @throws IllegalArgumentException naming the property or variable if its value is invalid
     */
    public static MemoryFormat configured() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return parse(property, "system property " + PROPERTY);
        }
        String env = System.getenv(ENVIRONMENT);
        if (env != null && !env.isBlank()) {
            return parse(env, "environment variable " + ENVIRONMENT);
        }
        return AUTO;
    }

    /**
     * Parses {@code auto}, {@code channels-last} (or {@code channels_last}) and {@code contiguous},
     * ignoring case and surrounding blanks.
     *
     * @param value the text
     * @param source what the text came from, for the error message
     * @return the format
     * @throws IllegalArgumentException if the text is none of those
     */
    public static MemoryFormat parse(String value, String source) {
        return switch (value.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "auto" -> AUTO;
            case "channels-last" -> CHANNELS_LAST;
            case "contiguous" -> CONTIGUOUS;
            default -> throw new IllegalArgumentException(
                    source + " must be auto, channels-last or contiguous, got '" + value + "'");
        };
    }

    /**
     * The lower-case name used by the setting and the command line ({@code channels-last}).
     *
     * @return the setting's spelling of this format
     */
    public String settingName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
