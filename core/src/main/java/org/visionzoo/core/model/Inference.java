package org.visionzoo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * Evaluation forward passes that are safe by default on any thread: grad mode is off for the pass
 * ({@link GradMode}), and every intermediate array is released, so native memory stays flat over
 * any number of calls.
 *
 * <pre>{@code
 * try (NDManager manager = NDManager.newBaseManager()) {
 *     NDArray logits = Inference.logits(model, manager.randomNormal(new Shape(8, 3, 224, 224)));
 * }
 * }</pre>
 *
 * <p>The result is attached to the input's manager; nothing else survives the call.
 */
public final class Inference {

    private Inference() {}

    /**
     * Runs an evaluation forward pass of any single-input, single-output block.
     *
     * @param block an initialised block
     * @param input the input batch (left open, still owned by its manager)
     * @return the output, attached to the input's manager
     */
    public static NDArray forward(Block block, NDArray input) {
        return run(input, (ps, x) -> block.forward(ps, new NDList(x), false).singletonOrThrow());
    }

    /**
     * Computes logits {@code (N, numClasses)} in evaluation mode.
     *
     * @param model an initialised model
     * @param input images {@code (N, C, H, W)}
     * @return the logits, attached to the input's manager
     */
    public static NDArray logits(ImageClassifier model, NDArray input) {
        return forward(model, input);
    }

    /**
     * Computes pooled features {@code (N, featureDim)} in evaluation mode.
     *
     * @param model an initialised model
     * @param input images {@code (N, C, H, W)}
     * @return the features, attached to the input's manager
     */
    public static NDArray features(ImageClassifier model, NDArray input) {
        return run(input, (ps, x) -> model.features(ps, x, false));
    }

    private interface Pass {
        NDArray apply(ParameterStore ps, NDArray x);
    }

    private static NDArray run(NDArray input, Pass pass) {
        NDManager owner = input.getManager();
        GradMode gradMode = GradMode.disabled();
        try (NDManager scope = owner.newSubManager()) {
            // Results belong to the manager of their first operand: lending the input to the
            // scope makes every intermediate of the pass the scope's, freed when it closes.
            input.tempAttach(scope);
            NDArray out = pass.apply(new ParameterStore(scope, false), input);
            if (out != input) {
                out.attach(owner);
            }
            return out;
        } finally {
            gradMode.close();
        }
    }
}
