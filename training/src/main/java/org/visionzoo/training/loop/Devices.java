package org.visionzoo.training.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the {@code --device} option: {@code auto}, {@code cpu}, {@code gpu}, {@code gpu:0,1}, and
 * {@code cpu:N} (N data-parallel replicas on the CPU: what tests use to exercise the multi-device
 * code without a GPU; it is not faster than {@code cpu}).
 */
public final class Devices {

    private Devices() {}

    /**
     * Parses a device specification against the engine's GPU count.
     *
     * @param spec the specification
     * @return the devices, the first being the primary (where the optimizer runs)
     * @throws IllegalArgumentException naming the option and the accepted forms if the text is
     *     invalid or names a GPU that the engine does not see
     */
    public static List<Device> parse(String spec) {
        return parse(spec, Engine.getInstance().getGpuCount());
    }

    /**
     * Parses a device specification.
     *
     * @param spec the specification
     * @param gpuCount the number of GPUs available
     * @return the devices, the first being the primary
     * @throws IllegalArgumentException if the text is invalid or names a missing GPU
     */
    public static List<Device> parse(String spec, int gpuCount) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        List<Device> out = new ArrayList<>();
        if (s.equals("auto")) {
            if (gpuCount == 0) {
                out.add(Device.cpu());
            } else {
                for (int i = 0; i < gpuCount; i++) {
                    out.add(Device.gpu(i));
                }
            }
            return List.copyOf(out);
        }
        if (s.equals("cpu")) {
            return List.of(Device.cpu());
        }
        if (s.equals("gpu")) {
            requireGpu(0, gpuCount, spec);
            return List.of(Device.gpu(0));
        }
        try {
            if (s.startsWith("cpu:")) {
                int n = Integer.parseInt(s.substring(4));
                if (n < 1 || n > 64) {
                    throw new IllegalArgumentException(
                            "--device " + spec + ": the replica count must be in 1..64");
                }
                for (int i = 0; i < n; i++) {
                    out.add(Device.cpu());
                }
                return List.copyOf(out);
            }
            if (s.startsWith("gpu:")) {
                for (String part : s.substring(4).split(",")) {
                    int id = Integer.parseInt(part.trim());
                    requireGpu(id, gpuCount, spec);
                    Device d = Device.gpu(id);
                    if (out.contains(d)) {
                        throw new IllegalArgumentException("--device " + spec + ": gpu " + id + " is listed twice");
                    }
                    out.add(d);
                }
                return List.copyOf(out);
            }
        } catch (NumberFormatException e) {
            // fall through to the general message
        }
        throw new IllegalArgumentException("--device must be auto, cpu, gpu, gpu:I,J,... or cpu:N, got '"
                + spec + "'");
    }

    private static void requireGpu(int id, int gpuCount, String spec) {
        if (id < 0 || id >= gpuCount) {
            throw new IllegalArgumentException("--device " + spec + ": no GPU " + id + " (this engine sees "
                    + gpuCount + " GPU" + (gpuCount == 1 ? "" : "s")
                    + (gpuCount == 0 ? "; the CPU build of libtorch is in use, see docs/training.md for GPUs" : "")
                    + ")");
        }
    }
}
