package org.visionzoo.training.transform;

import org.visionzoo.core.Checks;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * torchvision's {@code Normalize(mean, std)}: {@code (x - mean[c]) / std[c]} per channel, in
 * place. Deterministic. Statistics of a single value apply to every channel.
 */
public final class Normalize implements Transform {

    /** ImageNet: mean {@code (0.485, 0.456, 0.406)}, std {@code (0.229, 0.224, 0.225)}. */
    public static final Normalize IMAGENET =
            new Normalize(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    /** CIFAR-10: mean {@code (0.4914, 0.4822, 0.4465)}, std {@code (0.2470, 0.2435, 0.2616)}. */
    public static final Normalize CIFAR10 = new Normalize(
            new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});

    /** Fashion-MNIST: mean {@code 0.2860}, std {@code 0.3530}. */
    public static final Normalize FASHION_MNIST =
            new Normalize(new float[] {0.2860f}, new float[] {0.3530f});

    /** MNIST: mean {@code 0.1307}, std {@code 0.3081}. */
    public static final Normalize MNIST = new Normalize(new float[] {0.1307f}, new float[] {0.3081f});

    private final float[] mean;
    private final float[] std;

    /**
     * Creates the transform; the arrays are copied.
     *
     * @param mean per-channel means (finite), one value or one per channel
     * @param std per-channel standard deviations (finite, non-zero), as many as {@code mean}
     * @throws IllegalArgumentException if the arrays are empty, differ in length or hold a bad
     *     value
     */
    public Normalize(float[] mean, float[] std) {
        this.mean = Objects.requireNonNull(mean, "mean").clone();
        this.std = Objects.requireNonNull(std, "std").clone();
        if (this.mean.length == 0 || this.mean.length != this.std.length) {
            throw new IllegalArgumentException("mean and std must have the same non-zero length, got "
                    + this.mean.length + " and " + this.std.length);
        }
        for (int i = 0; i < this.mean.length; i++) {
            Checks.finite("mean[" + i + "]", this.mean[i]);
            if (!Float.isFinite(this.std[i]) || this.std[i] == 0f) {
                throw new IllegalArgumentException(
                        "std[" + i + "] must be finite and non-zero, got " + this.std[i]);
            }
        }
    }

    /**
     * Returns a copy of the means.
     *
     * @return the means
     */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Returns a copy of the standard deviations.
     *
     * @return the standard deviations
     */
    public float[] std() {
        return std.clone();
    }

    @Override
    public Image apply(Image in, RandomGenerator rng) {
        int c = in.channels();
        if (mean.length != 1 && mean.length != c) {
            throw new IllegalArgumentException("Normalize has " + mean.length
                    + " channel statistics but the image has channels=" + c);
        }
        float[] d = in.data();
        int plane = in.height() * in.width();
        for (int ch = 0; ch < c; ch++) {
            float m = mean[mean.length == 1 ? 0 : ch];
            float s = std[std.length == 1 ? 0 : ch];
            for (int i = ch * plane, end = i + plane; i < end; i++) {
                d[i] = (d[i] - m) / s;
            }
        }
        return in;
    }

    @Override
    public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
