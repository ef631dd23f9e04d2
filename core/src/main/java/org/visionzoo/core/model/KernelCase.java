package org.visionzoo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.visionzoo.core.nn.AvgPool2d;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.MaxPool2d;
import org.visionzoo.core.nn.Ops;
import org.visionzoo.core.nn.PassOrder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One configuration of a CPU kernel the models run — a convolution, a pooling, a batch norm — and
 * a check of VisionZoo's block for it, in one memory order, against a float64 reference.
 *
 * <p>The reference runs the same parameters and input in float64: a convolution as a sum over its
 * taps of matrix products over the channels, poolings, batch norm and mean through libtorch's
 * plain operators. libtorch has no oneDNN kernels for float64, so its own direct implementations
 * compute it, in contiguous order. A float32 result within {@link #TOLERANCE} of it
 * is right; a faulty kernel is off by the order of the values themselves.
 *
 * <p>The configurations keep everything that decides which CPU kernel runs (channels, kernel,
 * stride, padding, dilation, groups, bias) and take a small spatial size, so that checking all of a
 * model's configurations takes seconds. {@link #of(Block)} finds them in an initialised model;
 * {@link KernelSelfCheck} checks a fixed set at start-up.
 */
public sealed interface KernelCase
        permits KernelCase.Conv, KernelCase.MaxPool, KernelCase.AvgPool, KernelCase.Norm, KernelCase.GlobalPool {

    /**
     * Largest accepted difference between a float32 result and the float64 reference, relative to
     * the largest magnitude of the reference. Float32 rounding over the longest reductions of the
     * registered models (a few thousand terms) stays below 1e-5.
     */
    double TOLERANCE = 1e-4;

    /**
     * The input channels.
     *
     * @return the channels
     */
    int channels();

    /**
     * The spatial size used for the check: small, odd where possible, at least two outputs per
     * side.
     *
     * @return height and width of the input
     */
    int size();

    /**
     * A new, uninitialised block of VisionZoo's for this configuration.
     *
     * @return the block
     */
    Block newBlock();

    /**
     * The float64 reference on copies of the input and of the block's parameters.
     *
     * @param x the input, float64
     * @param params the block's parameters by name, float64
     * @param training whether a batch norm uses batch statistics
     * @return the output
     */
    NDArray reference(NDArray x, Map<String, NDArray> params, boolean training);

    /**
     * A convolution as {@link Layers#conv} builds it.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel square kernel side
     * @param stride stride
     * @param padding padding
     * @param dilation dilation
     * @param groups groups
     * @param bias whether it has a bias
     */
    record Conv(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias)
            implements KernelCase {
        @Override
        public int channels() {
            return in;
        }

        @Override
        public int size() {
            int span = dilation * (kernel - 1) + 1;
            return Math.max(7, 2 * stride + span - 2 * padding) | 1;
        }

        @Override
        public Block newBlock() {
            return Layers.conv(out, kernel, stride, padding, groups, dilation, bias);
        }

        /**
         * The convolution as a sum over the kernel's taps of matrix products over the channels,
         * all groups at once: no convolution kernel of libtorch's is involved (its float64
         * convolution also probes NNPACK on every call, which logs a warning each time on CPUs
         * NNPACK does not support).
         */
        @Override
        public NDArray reference(NDArray x, Map<String, NDArray> params, boolean training) {
            long n = x.getShape().get(0);
            long size = x.getShape().get(2);
            long outSize = (size + 2L * padding - dilation * (kernel - 1L) - 1) / stride + 1;
            long inPerGroup = in / groups;
            long outPerGroup = out / groups;
            NDArray padded = padding == 0 ? x : x.pad(new Shape(padding, padding, padding, padding), 0);
            NDArray w = params.get("weight").reshape(groups, outPerGroup, inPerGroup, kernel, kernel);
            NDArray sum = null;
            for (int i = 0; i < kernel; i++) {
                for (int j = 0; j < kernel; j++) {
                    long top = (long) i * dilation;
                    long left = (long) j * dilation;
                    NDArray tap = padded.get(new NDIndex(":, :, {}:{}:{}, {}:{}:{}", top, top + stride * (outSize - 1) + 1,
                            stride, left, left + stride * (outSize - 1) + 1, stride))
                            .reshape(n, groups, inPerGroup, outSize * outSize);
                    NDArray product = w.get(new NDIndex(":, :, :, {}, {}", i, j)).matMul(tap);
                    sum = sum == null ? product : sum.add(product);
                }
            }
            NDArray y = sum.reshape(n, out, outSize, outSize);
            NDArray bias = params.get("bias");
            return bias == null ? y : y.add(bias.reshape(1, out, 1, 1));
        }

        @Override
        public String toString() {
            String kind = kernel == 1 && padding == 0 && groups == 1 ? "pointwise conv"
                    : groups == in && groups == out && groups > 1 ? "depthwise " + kernel + "x" + kernel + " conv"
                    : groups > 1 ? "grouped " + kernel + "x" + kernel + " conv (" + groups + " groups)"
                    : kernel + "x" + kernel + " conv";
            return String.format(Locale.ROOT, "%s %d->%d%s%s%s%s", kind, in, out,
                    stride > 1 ? ", stride " + stride : "", padding != (kernel - 1) / 2 * dilation ? ", padding " + padding : "",
                    dilation > 1 ? ", dilation " + dilation : "", bias ? ", bias" : "");
        }
    }

    /**
     * A max pool.
     *
     * @param channels channels
     * @param kernel window side
     * @param stride stride
     * @param padding padding
     */
    record MaxPool(int channels, int kernel, int stride, int padding) implements KernelCase {
        @Override
        public int size() {
            return Math.max(7, kernel + 2 * stride) | 1;
        }

        @Override
        public Block newBlock() {
            return new MaxPool2d(kernel, stride, padding);
        }

        @Override
        public NDArray reference(NDArray x, Map<String, NDArray> params, boolean training) {
            return Pool.maxPool2d(x, new Shape(kernel, kernel), new Shape(stride, stride),
                    new Shape(padding, padding), false);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "max pool %dx%d, stride %d, padding %d, %d channels",
                    kernel, kernel, stride, padding, channels);
        }
    }

    /**
     * An average pool without padding.
     *
     * @param channels channels
     * @param kernel window side
     * @param stride stride
     */
    record AvgPool(int channels, int kernel, int stride) implements KernelCase {
        @Override
        public int size() {
            return Math.max(7, kernel + 2 * stride) | 1;
        }

        @Override
        public Block newBlock() {
            return new AvgPool2d(kernel, stride);
        }

        @Override
        public NDArray reference(NDArray x, Map<String, NDArray> params, boolean training) {
            return Pool.avgPool2d(x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(0, 0),
                    false, true);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "average pool %dx%d, stride %d, %d channels", kernel, kernel, stride, channels);
        }
    }

    /**
     * A batch norm (eps 1e-5; the epsilon does not choose the kernel).
     *
     * @param channels channels
     */
    record Norm(int channels) implements KernelCase {
        @Override
        public int size() {
            return 5;
        }

        @Override
        public Block newBlock() {
            return new BatchNorm2d();
        }

        @Override
        public NDArray reference(NDArray x, Map<String, NDArray> params, boolean training) {
            try (NDArray mean = params.get("running_mean").duplicate();
                    NDArray var = params.get("running_var").duplicate()) {
                return BatchNorm.batchNorm(x, mean, var, params.get("weight"), params.get("bias"), -1,
                        0.9f, 1e-5f, training).singletonOrThrow();
            }
        }

        @Override
        public String toString() {
            return "batch norm, " + channels + " channels";
        }
    }

    /**
     * The global average pool that ends every backbone ({@link Ops#globalAvgPool}).
     *
     * @param channels channels
     */
    record GlobalPool(int channels) implements KernelCase {
        @Override
        public int size() {
            return 7;
        }

        @Override
        public Block newBlock() {
            return new LambdaBlock(list -> new NDList(Ops.globalAvgPool(list.singletonOrThrow())));
        }

        @Override
        public NDArray reference(NDArray x, Map<String, NDArray> params, boolean training) {
            try (NDArray rows = x.mean(new int[] {3})) {
                return rows.mean(new int[] {2});
            }
        }

        @Override
        public String toString() {
            return "global average pool, " + channels + " channels";
        }
    }

    /**
     * How far one memory order's results are from the float64 reference.
     *
     * @param kernel the configuration
     * @param batch the batch size
     * @param channelsLast the memory order
     * @param training whether the pass was a training pass (batch statistics, gradients)
     * @param output the output's error (NaN or infinity if not finite)
     * @param gradients the largest error among the gradients of the input and of every parameter
     *     (0 when not computed)
     */
    record Result(KernelCase kernel, int batch, boolean channelsLast, boolean training, double output, double gradients) {

        /**
         * Whether both errors are within {@link KernelCase#TOLERANCE}.
         *
         * @return true if right
         */
        public boolean ok() {
            return output <= TOLERANCE && gradients <= TOLERANCE; // false for NaN
        }

        /**
         * The larger of the two errors.
         *
         * @return the error
         */
        public double error() {
            return Double.isNaN(output) || Double.isNaN(gradients) ? Double.NaN : Math.max(output, gradients);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s, batch %d, %s%s: output error %.2g%s", kernel, batch,
                    channelsLast ? "channels-last" : "contiguous", training ? ", training" : "", output,
                    training ? String.format(Locale.ROOT, ", gradient error %.2g", gradients) : "");
        }
    }

    /**
     * The distinct configurations of an initialised model, in the order first met: every
     * convolution, max and average pool and batch norm of its block tree, and its global pool.
     *
     * @param model an initialised model
     * @return the configurations
     */
    static Set<KernelCase> of(Block model) {
        Set<KernelCase> cases = new LinkedHashSet<>();
        collect(model, cases);
        if (model instanceof ImageClassifier classifier) {
            cases.add(new GlobalPool(classifier.featureDim()));
        }
        return cases;
    }

    private static void collect(Block block, Set<KernelCase> cases) {
        if (block instanceof Convolution conv) {
            Shape w = conv.getParameters().get("weight").getArray().getShape();
            int groups = conv.getGroups();
            cases.add(new Conv((int) w.get(1) * groups, (int) w.get(0), (int) conv.getKernelShape().get(0),
                    (int) conv.getStride().get(0), (int) conv.getPadding().get(0),
                    (int) conv.getDilation().get(0), groups, conv.isIncludeBias()));
        } else if (block instanceof MaxPool2d pool) {
            cases.add(new MaxPool((int) pool.getInputShapes()[0].get(1), pool.kernel(), pool.stride(), pool.padding()));
        } else if (block instanceof AvgPool2d pool) {
            cases.add(new AvgPool((int) pool.getInputShapes()[0].get(1), pool.kernel(), pool.stride()));
        } else if (block instanceof BatchNorm2d norm) {
            cases.add(new Norm((int) norm.weight().getArray().getShape().get(0)));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collect(child.getValue(), cases);
        }
    }

    /**
     * Runs VisionZoo's block for this configuration in both memory orders, as a model pass in each
     * order runs it, and compares with the float64 reference: the output, and in a training pass
     * also the gradients of the input and of every parameter (computed without a {@code
     * GradientCollector}, so this works inside a training step too). Inputs and parameters come
     * from a {@link Random} seeded by the configuration, never from the engine's generator.
     *
     * @param batch the batch size
     * @param training whether to run a training pass (batch statistics) and compare gradients
     * @return the channels-last result, then the contiguous one
     */
    default List<Result> check(int batch, boolean training) {
        return check(batch, size(), training);
    }

    /**
     * {@link #check(int, boolean)} at another spatial size.
     *
     * @param batch the batch size
     * @param size the input's height and width
     * @param training whether to run a training pass (batch statistics) and compare gradients
     * @return the channels-last result, then the contiguous one
     */
    default List<Result> check(int batch, int size, boolean training) {
        Shape shape = new Shape(batch, channels(), size, size);
        Random random = new Random(hashCode() * 31L + batch);
        GradMode mode = training ? GradMode.enabled() : GradMode.disabled();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Block block = newBlock();
            block.setInitializer(new JavaRandom(random, -0.5f, 0.5f), p -> true);
            block.setInitializer(new JavaRandom(random, 0.5f, 1.5f), Parameter.Type.RUNNING_VAR);
            block.initialize(manager, DataType.FLOAT32, shape);
            NDArray input = JavaRandom.array(manager, random, shape, -1, 1);

            Map<String, NDArray> params64 = new HashMap<>();
            List<Parameter> learned = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                Parameter param = p.getValue();
                NDArray copy = param.getArray().toType(DataType.FLOAT64, true);
                if (training && param.requiresGradient()) {
                    copy.setRequiresGradient(true);
                    learned.add(param);
                }
                params64.put(param.getName(), copy);
            }
            NDArray x64 = input.toType(DataType.FLOAT64, true);
            x64.setRequiresGradient(training);
            NDArray y64 = reference(x64, params64, training);
            NDArray upstream = null;
            if (training) {
                upstream = JavaRandom.array(manager, random, y64.getShape(), -1, 1);
                Autograd.backward(y64, upstream.toType(DataType.FLOAT64, false));
            }

            List<Result> results = new ArrayList<>();
            for (boolean channelsLast : new boolean[] {true, false}) {
                PassOrder.Scope order = PassOrder.channelsLast(channelsLast);
                try {
                    NDArray x = channelsLast ? Ops.channelsLast(input) : Ops.contiguous(input);
                    x.setRequiresGradient(training);
                    NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x), training).singletonOrThrow();
                    double outputError = relativeError(y, y64);
                    double gradientError = 0;
                    if (training) {
                        Autograd.backward(y, upstream);
                        gradientError = relativeError(x.getGradient(), x64.getGradient());
                        for (Parameter param : learned) {
                            try (NDArray grad = param.getArray().getGradient()) {
                                gradientError = Math.max(gradientError,
                                        relativeError(grad, params64.get(param.getName()).getGradient()));
                                GradMode off = GradMode.disabled();
                                try {
                                    grad.subi(grad); // zero it for the other order
                                } finally {
                                    off.close();
                                }
                            }
                        }
                    }
                    results.add(new Result(this, batch, channelsLast, training, outputError, gradientError));
                } finally {
                    order.close();
                }
            }
            return results;
        } finally {
            mode.close();
        }
    }

    private static double relativeError(NDArray actual, NDArray reference) {
        double[] ref = reference.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] act = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            scale = Math.max(scale, Math.abs(ref[i]));
            double d = Math.abs(act[i] - ref[i]);
            if (!(d <= Double.MAX_VALUE)) {
                return d; // NaN or infinity
            }
            worst = Math.max(worst, d);
        }
        return worst / Math.max(scale, 1e-12);
    }
}
