package org.visionzoo.core.pretrained;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;

import java.util.List;
import java.util.Objects;

/**
 * A model with pretrained weights on its own manager, with its catalogue entry: the evaluation
 * transform and the class names. Close it to free its memory.
 */
public final class PretrainedModel implements AutoCloseable {

    private final PretrainedWeights weights;
    private final ImageClassifier classifier;
    private final NDManager manager;

    PretrainedModel(PretrainedWeights weights, ImageClassifier classifier, NDManager manager) {
        this.weights = Objects.requireNonNull(weights, "weights");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /**
     * Returns the catalogue entry.
     *
     * @return the entry
     */
    public PretrainedWeights weights() {
        return weights;
    }

    /**
     * Returns the model (for fine-tuning: {@code replaceHead}, {@code freezeBackbone}).
     *
     * @return the model
     */
    public ImageClassifier classifier() {
        return classifier;
    }

    /**
     * Returns the manager that owns the parameters.
     *
     * @return the manager
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * Returns the evaluation transform the weights were measured with.
     *
     * @return the transform
     */
    public EvalTransform transform() {
        return weights.transform();
    }

    /**
     * Returns the class names.
     *
     * @return the names, index by index
     */
    public List<String> categories() {
        return weights.categories();
    }

    /**
     * Classifies one image already through {@link #transform()}.
     *
     * @param input {@code 3 * crop * crop} values, as {@link EvalTransform#apply} returns
     * @param k how many classes
     * @return the top {@code k} classes
     */
    public List<Prediction> classify(float[] input, int k) {
        int crop = transform().cropSize();
        try (NDManager scope = manager.newSubManager();
                NDArray x = scope.create(input, new Shape(1, 3, crop, crop));
                NDArray logits = Inference.logits(classifier, x);
                NDArray probs = logits.softmax(1)) {
            return Prediction.topK(probs.toFloatArray(), categories(), k);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
