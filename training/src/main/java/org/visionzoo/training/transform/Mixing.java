package org.visionzoo.training.transform;

import java.util.Objects;

/** Shared checks and soft targets of {@link Mixup} and {@link CutMix}. */
final class Mixing {

    private Mixing() {}

    /** Validates a batch and returns its size {@code N}. */
    static int batchSize(float[] images, int[] labels, int c, int h, int w, int numClasses) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        long per = Image.checkedSize(c, h, w);
        int n = labels.length;
        if (n == 0) {
            throw new IllegalArgumentException("labels.length must be >= 1, got 0");
        }
        if (images.length != per * n) {
            throw new IllegalArgumentException("images.length must be N*channels*height*width = "
                    + n + "*" + c + "*" + h + "*" + w + " = " + per * n + ", got "
                    + images.length);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("labels[" + i + "] must be in [0, "
                        + numClasses + "), got " + labels[i]);
            }
        }
        return n;
    }

    /** {@code lambda * onehot(y[i]) + (1 - lambda) * onehot(y[i - 1 mod N])}. */
    static float[] targets(int[] labels, int numClasses, double lambda) {
        int n = labels.length;
        float[] t = new float[n * numClasses];
        float own = (float) lambda;
        float other = (float) (1.0 - lambda);
        for (int i = 0; i < n; i++) {
            int prev = labels[i == 0 ? n - 1 : i - 1];
            t[i * numClasses + labels[i]] += own;
            t[i * numClasses + prev] += other;
        }
        return t;
    }
}
