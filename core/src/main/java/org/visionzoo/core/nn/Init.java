package org.visionzoo.core.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * The weight initialisations torchvision uses, as DJL {@link Initializer}s.
 *
 * <p>Fans follow {@code torch.nn.init._calculate_fan_in_and_fan_out}: for a weight of shape {@code
 * (out, in, k...)}, {@code fan_in = in * prod(k)} and {@code fan_out = out * prod(k)}.
 */
public final class Init {

    private Init() {}

    /** Zeros. */
    public static final Initializer ZEROS = Initializer.ZEROS;

    /** Ones. */
    public static final Initializer ONES = Initializer.ONES;

    /**
     * {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}: N(0, 2 / fan_out), what
     * torchvision's ResNet, DenseNet-free families and MobileNets use for convolutions.
     *
     * @return the initializer
     */
    public static Initializer kaimingNormalFanOut() {
        return (m, s, t) -> m.randomNormal(0f, (float) Math.sqrt(2.0 / fanOut(s)), s, t);
    }

    /**
     * {@code kaiming_normal_(mode="fan_in", nonlinearity="relu")}: N(0, 2 / fan_in).
     *
     * @return the initializer
     */
    public static Initializer kaimingNormalFanIn() {
        return (m, s, t) -> m.randomNormal(0f, (float) Math.sqrt(2.0 / fanIn(s)), s, t);
    }

    /**
     * PyTorch's default for {@code nn.Linear} and {@code nn.Conv2d} weights, {@code
     * kaiming_uniform_(a=sqrt(5))}, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
     *
     * @return the initializer
     */
    public static Initializer torchDefaultWeight() {
        return (m, s, t) -> {
            float bound = (float) (1.0 / Math.sqrt(fanIn(s)));
            return m.randomUniform(-bound, bound, s, t);
        };
    }

    /**
     * PyTorch's default bias of a layer with the given fan-in: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
     *
     * @param fanIn the fan-in of the layer's weight
     * @return the initializer
     */
    public static Initializer torchDefaultBias(long fanIn) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        return (m, s, t) -> m.randomUniform(-bound, bound, s, t);
    }

    /**
     * U(-bound, bound).
     *
     * @param bound the half-width, {@code >= 0}
     * @return the initializer
     */
    public static Initializer uniform(float bound) {
        return (m, s, t) -> m.randomUniform(-bound, bound, s, t);
    }

    /**
     * N(0, std^2).
     *
     * @param std the standard deviation
     * @return the initializer
     */
    public static Initializer normal(float std) {
        return (m, s, t) -> m.randomNormal(0f, std, s, t);
    }

    static long fanIn(Shape s) {
        return s.dimension() < 2 ? s.get(0) : s.get(1) * receptiveField(s);
    }

    static long fanOut(Shape s) {
        return s.get(0) * receptiveField(s);
    }

    private static long receptiveField(Shape s) {
        long r = 1;
        for (int i = 2; i < s.dimension(); i++) {
            r *= s.get(i);
        }
        return r;
    }
}
