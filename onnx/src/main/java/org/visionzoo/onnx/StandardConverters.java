package org.visionzoo.onnx;

import static org.visionzoo.onnx.OnnxGraph.integer;
import static org.visionzoo.onnx.OnnxGraph.ints;
import static org.visionzoo.onnx.OnnxGraph.real;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

import org.visionzoo.core.nn.Activation;
import org.visionzoo.core.nn.ActivationBlock;
import org.visionzoo.core.nn.AvgPool2d;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.ConvNormActivation;
import org.visionzoo.core.nn.FusedMBConv;
import org.visionzoo.core.nn.InvertedResidual;
import org.visionzoo.core.nn.MaxPool2d;
import org.visionzoo.core.nn.NamedBlock;
import org.visionzoo.core.nn.Sequential;
import org.visionzoo.core.nn.SqueezeExcitation;
import org.visionzoo.core.nn.StochasticDepth;
import org.visionzoo.densenet.DenseNet;
import org.visionzoo.efficientnet.EfficientNet;
import org.visionzoo.mobilenet.MobileNetV1;
import org.visionzoo.mobilenet.MobileNetV2;
import org.visionzoo.mobilenet.MobileNetV3;
import org.visionzoo.resnet.CifarResNet;
import org.visionzoo.resnet.ResNet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One converter per block type of VisionZoo's core and model modules. Each reproduces the block's
 * evaluation-mode forward pass (see the block's {@code forwardInternal}): dropout and stochastic
 * depth are the identity, batch norms use their running statistics.
 */
final class StandardConverters {

    private StandardConverters() {}

    static Map<Class<?>, BlockConverter> all() {
        Map<Class<?>, BlockConverter> m = new LinkedHashMap<>();
        // core.nn leaves
        m.put(Conv2d.class, StandardConverters::conv);
        m.put(hidden("org.visionzoo.core.nn.FoldableConv2d"), StandardConverters::conv);
        m.put(BatchNorm2d.class, StandardConverters::batchNorm);
        m.put(ActivationBlock.class, (g, path, b, in) -> activation(g, path, ((ActivationBlock) b).activation(), in));
        m.put(MaxPool2d.class, StandardConverters::maxPool);
        m.put(AvgPool2d.class, StandardConverters::avgPool);
        m.put(Linear.class, StandardConverters::linear);
        m.put(Dropout.class, (g, path, b, in) -> in);
        m.put(StochasticDepth.class, (g, path, b, in) -> in);
        // core.nn composites
        m.put(Sequential.class, StandardConverters::sequential);
        m.put(ConvNormActivation.class, StandardConverters::sequential);
        m.put(SqueezeExcitation.class, StandardConverters::squeezeExcitation);
        m.put(InvertedResidual.class, (g, path, b, in) ->
                residual(g, path, (NamedBlock) b, in, ((InvertedResidual) b).hasResidual()));
        m.put(FusedMBConv.class, (g, path, b, in) ->
                residual(g, path, (NamedBlock) b, in, ((FusedMBConv) b).hasResidual()));
        // models-resnet
        m.put(ResNet.class, StandardConverters::resnet);
        m.put(CifarResNet.class, StandardConverters::resnet);
        m.put(hidden("org.visionzoo.resnet.BasicBlock"), StandardConverters::resnetBlock);
        m.put(hidden("org.visionzoo.resnet.Bottleneck"), StandardConverters::resnetBlock);
        m.put(hidden("org.visionzoo.resnet.CifarBasicBlock"), StandardConverters::cifarBlock);
        // models-densenet
        m.put(DenseNet.class, StandardConverters::densenet);
        m.put(hidden("org.visionzoo.densenet.DenseBlock"), StandardConverters::denseBlock);
        m.put(hidden("org.visionzoo.densenet.DenseLayer"), StandardConverters::sequential);
        // models-mobilenet, models-efficientnet: features, global average pool, classifier
        m.put(MobileNetV1.class, StandardConverters::featuresPoolHead);
        m.put(MobileNetV2.class, StandardConverters::featuresPoolHead);
        m.put(MobileNetV3.class, StandardConverters::featuresPoolHead);
        m.put(EfficientNet.class, StandardConverters::featuresPoolHead);
        return m;
    }

    /** A package-private block class of another module, by name. */
    private static Class<?> hidden(String name) {
        try {
            return Class.forName(name, false, StandardConverters.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("block class " + name + " is missing: the ONNX converters"
                    + " are out of date with the model modules", e);
        }
    }

    static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static Block child(Block block, String name) {
        return findChild(block, name).orElseThrow(() -> new IllegalStateException(
                block.getClass().getSimpleName() + " has no child '" + name + "'"));
    }

    private static Optional<Block> findChild(Block block, String name) {
        for (Map.Entry<String, Block> e : NamedBlock.namedChildren(block)) {
            if (e.getKey().equals(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    private static String convertChild(OnnxGraph g, String path, Block parent, String name, String in) {
        return g.convert(join(path, name), child(parent, name), in);
    }

    // ---- leaves

    private static String conv(OnnxGraph g, String path, Block block, String in) {
        Conv2d conv = (Conv2d) block;
        Shape k = conv.getKernelShape();
        Shape s = conv.getStride();
        Shape p = conv.getPadding();
        Shape d = conv.getDilation();
        String w = g.parameter(join(path, "weight"), conv.getParameters().get("weight"));
        List<String> inputs = conv.isIncludeBias()
                ? List.of(in, w, g.parameter(join(path, "bias"), conv.getParameters().get("bias")))
                : List.of(in, w);
        return g.node("Conv", path, inputs,
                ints("kernel_shape", k.get(0), k.get(1)),
                ints("strides", s.get(0), s.get(1)),
                ints("pads", p.get(0), p.get(1), p.get(0), p.get(1)),
                ints("dilations", d.get(0), d.get(1)),
                integer("group", conv.getGroups()));
    }

    private static String batchNorm(OnnxGraph g, String path, Block block, String in) {
        BatchNorm2d bn = (BatchNorm2d) block;
        if (bn.isFolded()) {
            throw new IllegalStateException("batch norm " + path + " is folded: export an unfolded model");
        }
        var params = bn.getParameters();
        return g.node("BatchNormalization", path, List.of(
                        in,
                        g.parameter(join(path, "weight"), params.get("weight")),
                        g.parameter(join(path, "bias"), params.get("bias")),
                        g.parameter(join(path, "running_mean"), params.get("running_mean")),
                        g.parameter(join(path, "running_var"), params.get("running_var"))),
                real("epsilon", bn.eps()));
    }

    /** An activation; PyTorch's definitions (see {@link Activation}). */
    static String activation(OnnxGraph g, String path, Activation a, String in) {
        String name = join(path, a.name().toLowerCase(java.util.Locale.ROOT));
        switch (a) {
            case IDENTITY:
                return in;
            case RELU:
                return g.node("Relu", name, List.of(in));
            case RELU6:
                return g.node("Clip", name, List.of(in, g.scalar(0f), g.scalar(6f)));
            case SIGMOID:
                return g.node("Sigmoid", name, List.of(in));
            case SILU:
                String sig = g.node("Sigmoid", name + ".sigmoid", List.of(in));
                return g.node("Mul", name, List.of(in, sig));
            case HARD_SIGMOID:
                // relu6(x + 3) / 6 = clip(x / 6 + 1 / 2, 0, 1)
                return g.node("HardSigmoid", name, List.of(in), real("alpha", 1f / 6f), real("beta", 0.5f));
            case HARD_SWISH:
                return g.node("HardSwish", name, List.of(in));
            default:
                throw new IllegalStateException("no ONNX form for activation " + a);
        }
    }

    private static String maxPool(OnnxGraph g, String path, Block block, String in) {
        MaxPool2d pool = (MaxPool2d) block;
        int k = pool.kernel();
        int p = pool.padding();
        return g.node("MaxPool", path, List.of(in),
                ints("kernel_shape", k, k), ints("strides", pool.stride(), pool.stride()), ints("pads", p, p, p, p));
    }

    private static String avgPool(OnnxGraph g, String path, Block block, String in) {
        AvgPool2d pool = (AvgPool2d) block;
        int k = pool.kernel();
        return g.node("AveragePool", path, List.of(in),
                ints("kernel_shape", k, k), ints("strides", pool.stride(), pool.stride()), ints("pads", 0, 0, 0, 0));
    }

    private static String linear(OnnxGraph g, String path, Block block, String in) {
        var params = block.getParameters();
        String w = g.parameter(join(path, "weight"), params.get("weight"));
        String b = g.parameter(join(path, "bias"), params.get("bias"));
        return g.node("Gemm", path, List.of(in, w, b), integer("transB", 1));
    }

    /** {@code (N, C, H, W) -> (N, C)}: torchvision's {@code avgpool} and {@code flatten(1)}. */
    static String globalAvgPoolFlat(OnnxGraph g, String path, String in) {
        String pooled = g.node("GlobalAveragePool", join(path, "avgpool"), List.of(in));
        return g.node("Flatten", join(path, "flatten"), List.of(pooled), integer("axis", 1));
    }

    // ---- core composites

    private static String sequential(OnnxGraph g, String path, Block block, String in) {
        String out = in;
        for (Map.Entry<String, Block> e : NamedBlock.namedChildren(block)) {
            out = g.convert(join(path, e.getKey()), e.getValue(), out);
        }
        return out;
    }

    private static String squeezeExcitation(OnnxGraph g, String path, Block block, String in) {
        SqueezeExcitation se = (SqueezeExcitation) block;
        String s = g.node("GlobalAveragePool", join(path, "avgpool"), List.of(in));
        s = convertChild(g, path, se, "fc1", s);
        s = activation(g, join(path, "activation"), se.activation(), s);
        s = convertChild(g, path, se, "fc2", s);
        s = activation(g, join(path, "scale"), se.gate(), s);
        return g.node("Mul", join(path, "mul"), List.of(in, s));
    }

    /** InvertedResidual and FusedMBConv: the body, then the input added back when residual. */
    private static String residual(OnnxGraph g, String path, NamedBlock block, String in, boolean residual) {
        String body = findChild(block, "block").isPresent() ? "block" : "conv";
        String out = convertChild(g, path, block, body, in);
        return residual ? g.node("Add", join(path, "add"), List.of(out, in)) : out;
    }

    // ---- models

    private static String head(OnnxGraph g, String path, Block model, String features) {
        String headName = ((org.visionzoo.core.model.ImageClassifier) model).headName();
        return convertChild(g, path, model, headName, features);
    }

    private static String featuresPoolHead(OnnxGraph g, String path, Block model, String in) {
        String out = convertChild(g, path, model, "features", in);
        return head(g, path, model, globalAvgPoolFlat(g, path, out));
    }

    /** ResNet and CifarResNet: conv1, bn1, ReLU, [maxpool], layer1..layerN, pool, fc. */
    private static String resnet(OnnxGraph g, String path, Block model, String in) {
        String out = convertChild(g, path, model, "conv1", in);
        out = convertChild(g, path, model, "bn1", out);
        out = activation(g, path, Activation.RELU, out);
        if (findChild(model, "maxpool").isPresent()) {
            out = convertChild(g, path, model, "maxpool", out);
        }
        for (int stage = 1; findChild(model, "layer" + stage).isPresent(); stage++) {
            out = convertChild(g, path, model, "layer" + stage, out);
        }
        return head(g, path, model, globalAvgPoolFlat(g, path, out));
    }

    /** BasicBlock and Bottleneck: convN/bnN with ReLUs between, plus the (downsampled) input, ReLU. */
    private static String resnetBlock(OnnxGraph g, String path, Block block, String in) {
        String out = in;
        for (int i = 1; findChild(block, "conv" + i).isPresent(); i++) {
            if (i > 1) {
                out = activation(g, join(path, "relu" + (i - 1)), Activation.RELU, out);
            }
            out = convertChild(g, path, block, "conv" + i, out);
            out = convertChild(g, path, block, "bn" + i, out);
        }
        String identity = findChild(block, "downsample").isPresent()
                ? convertChild(g, path, block, "downsample", in)
                : in;
        String sum = g.node("Add", join(path, "add"), List.of(out, identity));
        return activation(g, path, Activation.RELU, sum);
    }

    /**
     * The CIFAR ResNet's basic block with the paper's option A shortcut: where conv1 has stride 2
     * the input is subsampled ({@code x[:, :, ::2, ::2]}) and zero-padded with {@code planes / 4}
     * channels on each side.
     */
    private static String cifarBlock(OnnxGraph g, String path, Block block, String in) {
        String out = convertChild(g, path, block, "conv1", in);
        out = convertChild(g, path, block, "bn1", out);
        out = activation(g, join(path, "relu1"), Activation.RELU, out);
        out = convertChild(g, path, block, "conv2", out);
        out = convertChild(g, path, block, "bn2", out);
        Conv2d conv1 = (Conv2d) child(block, "conv1");
        String shortcut = in;
        if (conv1.getStride().get(0) != 1) {
            long pad = ((Conv2d) child(block, "conv2")).getFilters() / 4;
            String sub = g.node("Slice", join(path, "shortcut.subsample"), List.of(in,
                    g.int64s(join(path, "shortcut.starts"), 0, 0),
                    g.int64s(join(path, "shortcut.ends"), Long.MAX_VALUE, Long.MAX_VALUE),
                    g.int64s(join(path, "shortcut.axes"), 2, 3),
                    g.int64s(join(path, "shortcut.steps"), 2, 2)));
            shortcut = g.node("Pad", join(path, "shortcut.pad"), List.of(sub,
                    g.int64s(join(path, "shortcut.pads"), 0, pad, 0, 0, 0, pad, 0, 0)));
        }
        String sum = g.node("Add", join(path, "add"), List.of(out, shortcut));
        return activation(g, path, Activation.RELU, sum);
    }

    /** DenseNet: features (ending with norm5), ReLU, pool, classifier. */
    private static String densenet(OnnxGraph g, String path, Block model, String in) {
        String out = convertChild(g, path, model, "features", in);
        out = activation(g, path, Activation.RELU, out);
        return head(g, path, model, globalAvgPoolFlat(g, path, out));
    }

    /** Each dense layer's output is concatenated to the features along the channels. */
    private static String denseBlock(OnnxGraph g, String path, Block block, String in) {
        String features = in;
        for (Map.Entry<String, Block> e : NamedBlock.namedChildren(block)) {
            String layerPath = join(path, e.getKey());
            String fresh = g.convert(layerPath, e.getValue(), features);
            features = g.node("Concat", join(layerPath, "concat"), List.of(features, fresh), integer("axis", 1));
        }
        return features;
    }
}
