package org.visionzoo.examples.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

import org.visionzoo.core.model.KernelSelfCheck;
import org.visionzoo.core.nn.Ops;

import java.util.Locale;

/**
 * The parts of {@code zoo doctor} that run in a child JVM: what only a fresh process's libraries
 * print ({@code ONEDNN_VERBOSE} and {@code MKL_VERBOSE} name their versions and the instruction set
 * oneDNN chose) and what may kill the process (oneDNN's own channels-last 1x1 convolution, which
 * VisionZoo does not use: on some CPUs it dies with SIGFPE).
 *
 * <p>{@code libraries}: runs the self-check once (oneDNN and MKL print their banners).
 * {@code native-1x1}: prints one line {@code native-1x1 <shape> <error>} per shape, comparing
 * libtorch's own convolution on a channels-last input with the float64 result; a crash ends the
 * list early.
 */
public final class DoctorProbe {

    /** Shapes of ResNet-50's 1x1 convolutions: (batch, in, size, out, stride). */
    static final int[][] NATIVE_1X1 = {{2, 256, 6, 512, 2}, {1, 256, 14, 512, 2}, {2, 64, 28, 256, 1}, {8, 1024, 7, 256, 1}};

    private DoctorProbe() {}

    /**
     * Runs one probe.
     *
     * @param args {@code libraries} or {@code native-1x1}
     */
    public static void main(String[] args) {
        String mode = args.length == 1 ? args[0] : "";
        switch (mode) {
            case "libraries" -> KernelSelfCheck.run(false);
            case "native-1x1" -> native1x1();
            default -> {
                System.err.println("usage: DoctorProbe libraries|native-1x1");
                System.exit(2);
            }
        }
        System.out.println("probe done");
    }

    private static void native1x1() {
        for (int[] s : NATIVE_1X1) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray x = manager.randomUniform(-1, 1, new Shape(s[0], s[1], s[2], s[2]));
                NDArray w = manager.randomUniform(-0.1f, 0.1f, new Shape(s[3], s[1], 1, 1));
                Shape stride = new Shape(s[4], s[4]);
                NDArray reference = Conv2d.conv2d(x.toType(DataType.FLOAT64, false), w.toType(DataType.FLOAT64, false),
                        null, stride, new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
                NDArray actual = Conv2d.conv2d(Ops.channelsLast(x), w, null, stride, new Shape(0, 0), new Shape(1, 1), 1)
                        .singletonOrThrow();
                double scale = reference.abs().max().getDouble();
                double error = actual.toType(DataType.FLOAT64, false).sub(reference).abs().max().getDouble() / scale;
                System.out.printf(Locale.ROOT, "native-1x1 (%d,%d,%d,%d)->%d/s%d %.3g%n", s[0], s[1], s[2], s[2], s[3], s[4], error);
            }
        }
    }
}
