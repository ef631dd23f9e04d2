package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import org.visionzoo.core.model.GradMode;

import java.util.Objects;

/**
 * Folds each batch norm into the convolution before it, for inference: {@code bn(conv(x))} with
 * the running statistics becomes one convolution with weight {@code w * s} and bias {@code beta +
 * (b - mean) * s}, where {@code s = gamma / sqrt(var + eps)} per output channel. The batch norm's
 * pass over the activations disappears; the result equals the unfolded model up to float rounding
 * (a few ulps per layer).
 *
 * <p>The fold is one-way: the convolution weights are scaled in place (no extra memory) and the
 * folded model can no longer be trained, exported or loaded into — those throw. Keep an unfolded
 * model for that. Pairs come from each block's {@link NamedBlock#foldableBatchNorms()}.
 *
 * <pre>{@code
 * ImageClassifier net = Models.create("resnet50").initialize(manager, 224);
 * Weights.load(net, Path.of("resnet50.safetensors"));
 * net.optimizeForInference();          // = BatchNormFolding.fold(net)
 * NDArray logits = Inference.logits(net, images);
 * }</pre>
 */
public final class BatchNormFolding {

    /** Message of the exception a folded model throws when asked to train. */
    static final String TRAINING_MESSAGE =
            "this model was optimized for inference (batch norms folded into the convolutions) and"
                    + " cannot be trained: build or load an unfolded model to train it";

    /**
     * A convolution child and the batch norm child that consumes its output.
     *
     * @param conv the convolution's module name
     * @param norm the batch norm's module name
     */
    public record Pair(String conv, String norm) {
        /** Validates the names. */
        public Pair {
            Objects.requireNonNull(conv, "conv");
            Objects.requireNonNull(norm, "norm");
        }
    }

    private BatchNormFolding() {}

    /**
     * Folds every foldable batch norm of an initialised model (see the class comment). Calling it
     * again folds nothing more.
     *
     * @param model an initialised model
     * @return how many batch norms were folded by this call
     * @throws IllegalStateException if the model is not initialised
     */
    public static int fold(Block model) {
        Objects.requireNonNull(model, "model");
        if (!model.isInitialized()) {
            throw new IllegalStateException("initialize the model before folding its batch norms");
        }
        GradMode gradMode = GradMode.disabled(); // the weights are scaled in place
        try {
            return foldTree(model);
        } finally {
            gradMode.close();
        }
    }

    /**
     * Whether any batch norm of the model has been folded.
     *
     * @param model any block
     * @return true if some part of it is folded (inference only)
     */
    public static boolean isFolded(Block model) {
        if (model instanceof BatchNorm2d bn && bn.isFolded()) {
            return true;
        }
        if (model instanceof FoldableConv2d conv && conv.isFolded()) {
            return true;
        }
        for (ai.djl.util.Pair<String, Block> child : model.getChildren()) {
            if (isFolded(child.getValue())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Throws if the model has been folded.
     *
     * @param model any block
     * @param action what the caller was about to do, e.g. "export its weights"
     * @throws IllegalStateException if the model is folded
     */
    public static void requireUnfolded(Block model, String action) {
        if (isFolded(model)) {
            throw new IllegalStateException("cannot " + action + ": the model was optimized for inference"
                    + " (batch norms folded into the convolutions); use an unfolded model");
        }
    }

    private static int foldTree(Block block) {
        int folded = 0;
        if (block instanceof NamedBlock named) {
            for (Pair pair : named.foldableBatchNorms()) {
                folded += foldPair(named, pair);
            }
        }
        for (ai.djl.util.Pair<String, Block> child : block.getChildren()) {
            folded += foldTree(child.getValue());
        }
        return folded;
    }

    private static int foldPair(NamedBlock parent, Pair pair) {
        Block convBlock = parent.child(pair.conv());
        Block normBlock = parent.child(pair.norm());
        if (!(convBlock instanceof FoldableConv2d conv)) {
            throw new IllegalStateException(parent.getClass().getSimpleName() + "." + pair.conv()
                    + " is not a convolution made by Layers.conv: cannot fold " + pair.norm() + " into it");
        }
        if (!(normBlock instanceof BatchNorm2d norm)) {
            throw new IllegalStateException(parent.getClass().getSimpleName() + "." + pair.norm()
                    + " is not a BatchNorm2d");
        }
        if (norm.isFolded() || conv.isFolded()) {
            return 0;
        }
        NDArray w = conv.getParameters().get("weight").getArray();
        NDArray bias = conv.isIncludeBias() ? conv.getParameters().get("bias").getArray() : null;
        NDArray gamma = norm.weight().getArray();
        NDArray beta = norm.bias().getArray();
        NDArray mean = norm.runningMean().getArray();
        NDArray var = norm.runningVar().getArray();
        long out = w.getShape().get(0);
        if (gamma.getShape().get(0) != out) {
            throw new IllegalStateException(parent.getClass().getSimpleName() + ": " + pair.conv() + " has "
                    + out + " output channels but " + pair.norm() + " normalises " + gamma.getShape().get(0));
        }
        try (NDArray std = var.add(norm.eps()).sqrt();
                NDArray scale = gamma.div(std);
                NDArray shifted = bias == null ? mean.neg() : bias.sub(mean);
                NDArray scaledShift = shifted.mul(scale);
                NDArray scale4 = scale.reshape(out, 1, 1, 1)) {
            NDArray newBias = scaledShift.add(beta);
            w.muli(scale4);
            conv.setFoldedBias(newBias);
        }
        norm.markFolded();
        return 1;
    }

}
