package org.visionzoo.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import org.visionzoo.core.model.GradMode;
import org.visionzoo.training.data.Batch;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.loss.CrossEntropy;
import org.visionzoo.training.metrics.ConfusionMatrix;
import org.visionzoo.training.metrics.TopK;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Evaluation and prediction of any classifier block over a {@link DataLoader}, in evaluation mode
 * with grad mode off; each batch's arrays live in a sub-manager closed after it, so memory stays
 * flat. {@link Trainer#evaluate(DataLoader)} calls it on the EMA's weights when the run keeps one.
 */
@SuppressWarnings("try") // GradMode handles only restore the mode on close
public final class Evaluator {

    private Evaluator() {}

    /**
     * Evaluates a classifier: cross-entropy without label smoothing, top-1, top-5 (top-K for fewer
     * than 5 classes) and the confusion matrix.
     *
     * @param model the model, initialised
     * @param data the data, unshuffled and without random augmentation
     * @return the figures
     */
    public static EvalResult evaluate(Block model, DataLoader data) {
        return evaluate(model.getParameters().valueAt(0).getArray().getManager(),
                x -> model.forward(new ParameterStore(x.getManager(), false), new NDList(x), false)
                        .singletonOrThrow(),
                data);
    }

    /**
     * Evaluates any source of logits (another engine, e.g. an ONNX Runtime session) with the same
     * metrics over the same batches as {@link #evaluate(Block, DataLoader)}.
     *
     * @param owner the manager under which each batch's arrays are made and released
     * @param logits the logits {@code (N, K)} of a batch {@code (N, C, H, W)}, on the batch's manager
     * @param data the data, unshuffled and without random augmentation
     * @return the figures
     */
    public static EvalResult evaluate(NDManager owner, Function<NDArray, NDArray> logits, DataLoader data) {
        int k = data.dataset().numClasses();
        TopK topk = TopK.of(1, Math.min(5, k));
        ConfusionMatrix confusion = new ConfusionMatrix(k);
        CrossEntropy ce = CrossEntropy.builder().reduction(CrossEntropy.Reduction.SUM).build();
        double lossSum = 0;
        long images = 0;
        long t0 = System.nanoTime();
        GradMode mode = GradMode.disabled();
        try (DataLoader.Epoch epoch = data.epoch(0)) {
            for (Batch b : epoch) {
                try (NDManager scope = owner.newSubManager()) {
                    NDArray x = scope.create(b.images(), new Shape(b.imageShape()));
                    NDArray labels = scope.create(b.labels());
                    NDArray out = logits.apply(x);
                    lossSum += ce.compute(out, labels).getFloat();
                    topk.update(out, labels);
                    confusion.update(out, labels);
                    images += b.size();
                }
            }
        } finally {
            mode.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new EvalResult(lossSum / images, topk.accuracy(1), topk.accuracy(topk.ks()[1]), images, seconds,
                confusion);
    }

    /**
     * Class probabilities (softmax of the logits) for every image of the data, in order.
     *
     * @param model the model, initialised
     * @param data the data (its labels are ignored)
     * @return one row of {@code K} probabilities per image
     */
    public static float[][] predict(Block model, DataLoader data) {
        NDManager owner = model.getParameters().valueAt(0).getArray().getManager();
        List<float[]> rows = new ArrayList<>();
        GradMode mode = GradMode.disabled();
        try (DataLoader.Epoch epoch = data.epoch(0)) {
            for (Batch b : epoch) {
                try (NDManager scope = owner.newSubManager()) {
                    NDArray x = scope.create(b.images(), new Shape(b.imageShape()));
                    NDArray logits = model.forward(new ParameterStore(scope, false), new NDList(x), false)
                            .singletonOrThrow();
                    float[] p = logits.softmax(1).toFloatArray();
                    int k = (int) logits.getShape().get(1);
                    for (int i = 0; i < b.size(); i++) {
                        rows.add(Arrays.copyOfRange(p, i * k, i * k + k));
                    }
                }
            }
        } finally {
            mode.close();
        }
        return rows.toArray(new float[0][]);
    }
}
