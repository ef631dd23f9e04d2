package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * A pointwise convolution (1x1 kernel, no padding, one group) computed as what it is, a matrix
 * product over the channel dimension, instead of a libtorch convolution.
 *
 * <p><b>Why.</b> oneDNN 3.7 (inside libtorch 2.7.1) picks its {@code brgconv_1x1} kernel for
 * channels-last 1x1 convolutions. On CPUs whose cache sizes the hypervisor hides (CPUID reports
 * none, as on many cloud micro-VMs) that kernel sizes its blocks from the missing cache sizes: it
 * gives wrong results (errors of the order of the values themselves) or divides by zero in {@code
 * brg_blocking_t::est_eff_1x1} and kills the process with SIGFPE. Every model family uses 1x1
 * convolutions (bottlenecks, downsampling shortcuts, DenseNet layers and transitions, MBConv
 * expansions and projections, squeeze-excitation).
 *
 * <p><b>Why this cannot reach that kernel.</b> No convolution primitive is created here: the
 * product runs through libtorch's {@code linear}/{@code bmm} on float32, which libtorch's CPU build
 * sends to its BLAS ({@code sgemm} of the statically linked MKL), not to oneDNN — libtorch routes a
 * float32 matrix product to oneDNN only for reduced-precision math ({@code
 * torch.set_float32_matmul_precision("medium")}, bf16, fp16), which nothing in VisionZoo sets.
 * Autograd differentiates the same operations, so the backward pass is matrix products too. A
 * test runs whole models with {@code ONEDNN_VERBOSE=1} and checks that no 1x1 convolution
 * primitive appears.
 *
 * <p><b>Two formulations, one per memory order</b> (see {@link PassOrder}); both are exact for
 * input of either order, they differ in copies and in the order of the output:
 *
 * <ul>
 *   <li>channels-last: the NHWC view {@code (N, H, W, C)} of a channels-last array is contiguous;
 *       {@code linear} multiplies it by the {@code (C, O)} weight without a copy and returns
 *       {@code (N, H, W, O)}, whose NCHW view is channels-last again;
 *   <li>contiguous: each image is a {@code (C, H*W)} matrix; a batched product with the {@code (O,
 *       C)} weight gives {@code (N, O, H*W)}, contiguous NCHW.
 * </ul>
 *
 * A stride takes every {@code stride}-th row and column first (a strided view), which is what a
 * strided 1x1 convolution without padding reads. Every intermediate is released as soon as its
 * successor exists; autograd keeps what the backward pass needs.
 */
final class PointwiseConv {

    private PointwiseConv() {}

    /**
     * Whether a convolution with these settings is pointwise.
     *
     * @param kernel the kernel shape
     * @param padding the padding
     * @param groups the groups
     * @return true for a 1x1 kernel, no padding and one group
     */
    static boolean isPointwise(Shape kernel, Shape padding, int groups) {
        return groups == 1
                && kernel.dimension() == 2 && kernel.get(0) == 1 && kernel.get(1) == 1
                && padding.dimension() == 2 && padding.get(0) == 0 && padding.get(1) == 0;
    }

    /**
     * The convolution of {@code x} with a 1x1 kernel.
     *
     * @param x the input {@code (N, C, H, W)}, left open
     * @param weight the kernel {@code (O, C, 1, 1)}
     * @param bias the per-output-channel bias {@code (O)}, or null
     * @param stride the stride {@code (sh, sw)}
     * @param channelsLast whether the pass runs channels-last ({@link PassOrder#isChannelsLast()})
     * @return {@code (N, O, H', W')}, channels-last if {@code channelsLast}, else contiguous;
     *     owned by {@code x}'s manager
     */
    static NDArray forward(NDArray x, NDArray weight, NDArray bias, Shape stride, boolean channelsLast) {
        long out = weight.getShape().get(0);
        long in = weight.getShape().get(1);
        if (x.getShape().dimension() != 4 || x.getShape().get(1) != in) {
            throw new IllegalArgumentException("a 1x1 convolution of " + in + " input channels needs (N, "
                    + in + ", H, W) input, got shape " + x.getShape());
        }
        NDArray sampled = subsample(x, stride);
        // Operations belong to the manager of their first operand: keep every intermediate in
        // the input's manager (the pass's), never in the parameters'.
        NDArray matrix = weight.reshape(out, in);
        matrix.attach(x.getManager());
        try {
            return channelsLast ? nhwc(sampled, matrix, bias) : nchw(sampled, matrix, bias, out);
        } finally {
            matrix.close();
            if (sampled != x) {
                sampled.close();
            }
        }
    }

    private static NDArray nhwc(NDArray x, NDArray matrix, NDArray bias) {
        try (NDArray pixels = x.transpose(0, 2, 3, 1);
                NDArray y = Linear.linear(pixels, matrix, bias).singletonOrThrow()) {
            return y.transpose(0, 3, 1, 2);
        }
    }

    private static NDArray nchw(NDArray x, NDArray matrix, NDArray bias, long out) {
        Shape s = x.getShape();
        long n = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray y;
        try (NDArray images = x.reshape(n, s.get(1), h * w);
                NDArray batched = matrix.expandDims(0);
                NDArray weights = batched.broadcast(n, out, s.get(1));
                NDArray product = weights.batchMatMul(images)) {
            y = product.reshape(n, out, h, w);
        }
        if (bias == null) {
            return y;
        }
        try (NDArray b = bias.reshape(1, out, 1, 1)) {
            return NamedBlock.consume(y, y.add(b));
        }
    }

    private static NDArray subsample(NDArray x, Shape stride) {
        long sh = stride.get(0);
        long sw = stride.get(1);
        if (sh == 1 && sw == 1) {
            return x;
        }
        return x.get(new NDIndex(":, :, ::{}, ::{}", sh, sw));
    }
}
