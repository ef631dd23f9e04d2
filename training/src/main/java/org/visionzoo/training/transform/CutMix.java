package org.visionzoo.training.transform;

import java.util.random.RandomGenerator;

/**
 * CutMix as torchvision v2's {@code CutMix(alpha, num_classes)}: {@code lambda ~ Beta(alpha,
 * alpha)} per batch; a box centred at a uniform pixel {@code (r_x, r_y)} with half-sides
 * {@code int(0.5 * sqrt(1 - lambda) * W)} and {@code int(0.5 * sqrt(1 - lambda) * H)}, clipped to
 * the image, is pasted into every image {@code i} from image {@code i - 1} (the batch rolled by
 * one); lambda is then corrected to the kept area fraction {@code 1 - boxArea / (H * W)} and the
 * targets are {@code lambda * onehot(y[i]) + (1 - lambda) * onehot(y[i - 1])}.
 */
public final class CutMix extends Mixing {

    /**
     * Creates the transform.
     *
     * @param alpha the Beta parameter, finite and {@code > 0} (torchvision's default 1.0)
     * @param numClasses the number of classes, at least 1
     * @throws IllegalArgumentException if an argument is out of range
     */
    public CutMix(double alpha, int numClasses) {
        super(alpha, numClasses);
    }

    /**
     * Draws the box for a given lambda, as torchvision v2.
     *
     * @param lambda the sampled mixing weight, in {@code [0, 1]}
     * @param height image rows
     * @param width image columns
     * @param rng the generator (column centre first, then row centre)
     * @return the box, clipped to the image, possibly empty
     */
    public static CropBox box(double lambda, int height, int width, RandomGenerator rng) {
        int rx = Transforms.uniformInt(rng, width);
        int ry = Transforms.uniformInt(rng, height);
        double r = 0.5 * Math.sqrt(1.0 - lambda);
        int rw = (int) (r * width);
        int rh = (int) (r * height);
        int x1 = Math.max(rx - rw, 0);
        int y1 = Math.max(ry - rh, 0);
        int x2 = Math.min(rx + rw, width);
        int y2 = Math.min(ry + rh, height);
        return new CropBox(y1, x1, y2 - y1, x2 - x1);
    }

    @Override
    public MixedBatch apply(float[] images, int[] labels, int channels, int height, int width,
            RandomGenerator rng) {
        int n = batchSize(images, labels, channels, height, width);
        double sampled = sampleLambda(rng);
        CropBox b = box(sampled, height, width, rng);
        double lambda = 1.0 - (double) b.area() / ((double) height * width);
        int per = channels * height * width;
        if (b.area() > 0) {
            // from the last image down, so that x[i - 1] is still the original; keep x[N - 1]
            float[] last = new float[per];
            System.arraycopy(images, (n - 1) * per, last, 0, per);
            for (int i = n - 1; i >= 0; i--) {
                float[] src = i > 0 ? images : last;
                int srcBase = i > 0 ? (i - 1) * per : 0;
                int dstBase = i * per;
                for (int c = 0; c < channels; c++) {
                    for (int y = b.top(); y < b.top() + b.height(); y++) {
                        int off = (c * height + y) * width + b.left();
                        System.arraycopy(src, srcBase + off, images, dstBase + off, b.width());
                    }
                }
            }
        }
        return new MixedBatch(targets(labels, lambda), numClasses, lambda, b);
    }
}
