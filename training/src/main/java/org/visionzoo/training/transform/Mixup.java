package org.visionzoo.training.transform;

import java.util.random.RandomGenerator;

/**
 * Mixup as torchvision v2's {@code MixUp(alpha, num_classes)}: {@code lambda ~ Beta(alpha, alpha)}
 * per batch; each image {@code i} becomes {@code lambda * x[i] + (1 - lambda) * x[i - 1]} (the
 * batch rolled by one) and its target
 * {@code lambda * onehot(y[i]) + (1 - lambda) * onehot(y[i - 1])}.
 */
public final class Mixup extends Mixing {

    /**
     * Creates the transform.
     *
     * @param alpha the Beta parameter, finite and {@code > 0} (torchvision's default 1.0)
     * @param numClasses the number of classes, at least 1
     * @throws IllegalArgumentException if an argument is out of range
     */
    public Mixup(double alpha, int numClasses) {
        super(alpha, numClasses);
    }

    @Override
    public MixedBatch apply(float[] images, int[] labels, int channels, int height, int width,
            RandomGenerator rng) {
        int n = batchSize(images, labels, channels, height, width);
        double lambda = sampleLambda(rng);
        int per = channels * height * width;
        float own = (float) lambda;
        float other = (float) (1.0 - lambda);
        // from the last image down, so that x[i - 1] is still the original; keep x[N - 1] for x[0]
        float[] last = new float[per];
        System.arraycopy(images, (n - 1) * per, last, 0, per);
        for (int i = n - 1; i >= 0; i--) {
            int base = i * per;
            if (i > 0) {
                int prev = base - per;
                for (int k = 0; k < per; k++) {
                    images[base + k] = own * images[base + k] + other * images[prev + k];
                }
            } else {
                for (int k = 0; k < per; k++) {
                    images[k] = own * images[k] + other * last[k];
                }
            }
        }
        return new MixedBatch(targets(labels, lambda), numClasses, lambda, null);
    }
}
