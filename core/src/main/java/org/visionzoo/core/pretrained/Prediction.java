package org.visionzoo.core.pretrained;

/**
 * One of the top classes of an image.
 *
 * @param index the class index
 * @param label the class name
 * @param probability the softmax probability
 */
public record Prediction(int index, String label, float probability) {

    /**
     * Returns the top {@code k} classes of a probability vector, most likely first (ties by index).
     *
     * @param probabilities one probability per class
     * @param labels the class names, as many as probabilities
     * @param k how many, at least 1 (fewer if there are fewer classes)
     * @return the predictions
     * @throws IllegalArgumentException if the sizes do not match or {@code k < 1}
     */
    public static java.util.List<Prediction> topK(float[] probabilities, java.util.List<String> labels, int k) {
        if (labels.size() != probabilities.length) {
            throw new IllegalArgumentException("expected " + probabilities.length + " labels, got " + labels.size());
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Float.compare(probabilities[b], probabilities[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        java.util.List<Prediction> out = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(k, order.length); i++) {
            out.add(new Prediction(order[i], labels.get(order[i]), probabilities[order[i]]));
        }
        return out;
    }
}
