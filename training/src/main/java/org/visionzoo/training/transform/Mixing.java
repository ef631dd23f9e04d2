package org.visionzoo.training.transform;

import org.visionzoo.core.Checks;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What {@link Mixup} and {@link CutMix} share: the Beta parameter and class count, the batch
 * checks, the draw of {@code lambda ~ Beta(alpha, alpha)} and the soft targets.
 */
abstract sealed class Mixing implements BatchTransform permits Mixup, CutMix {

    /** The Beta parameter. */
    final double alpha;
    /** The number of classes of the soft targets. */
    final int numClasses;

    Mixing(double alpha, int numClasses) {
        this.alpha = Checks.positive("alpha", alpha);
        this.numClasses = Checks.atLeast("numClasses", numClasses, 1);
    }

    /** Draws the batch's mixing weight, {@code lambda ~ Beta(alpha, alpha)}. */
    final double sampleLambda(RandomGenerator rng) {
        return RandomDistributions.beta(alpha, alpha, rng);
    }

    /** Validates a batch and returns its size {@code N}. */
    final int batchSize(float[] images, int[] labels, int c, int h, int w) {
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
    final float[] targets(int[] labels, double lambda) {
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

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(alpha=" + alpha + ", numClasses=" + numClasses + ")";
    }
}
