package org.visionzoo.training.transform;

import org.visionzoo.core.Checks;

import java.util.random.RandomGenerator;

/**
 * Gamma and Beta sampling from a {@link RandomGenerator} (no Commons Math): Marsaglia and Tsang's
 * method for the Gamma distribution, with the boost {@code Gamma(a) = Gamma(a + 1) * U^(1/a)} for
 * shapes below 1 (kept in log space, so tiny shapes such as {@code Beta(0.1, 0.1)} do not
 * underflow to {@code 0/0}).
 */
public final class RandomDistributions {

    private RandomDistributions() {}

    /**
     * Samples {@code Gamma(shape, 1)}.
     *
     * @param shape the shape, finite and {@code > 0}
     * @param rng the generator
     * @return a sample, {@code >= 0}
     * @throws IllegalArgumentException if {@code shape} is out of range
     */
    public static double gamma(double shape, RandomGenerator rng) {
        Checks.positive("shape", shape);
        return Math.exp(logGamma(shape, rng));
    }

    /**
     * Samples {@code Beta(a, b)} as {@code X / (X + Y)} with {@code X ~ Gamma(a)},
     * {@code Y ~ Gamma(b)}.
     *
     * @param a first shape, finite and {@code > 0}
     * @param b second shape, finite and {@code > 0}
     * @param rng the generator
     * @return a sample in {@code [0, 1]}
     * @throws IllegalArgumentException if a shape is out of range
     */
    public static double beta(double a, double b, RandomGenerator rng) {
        Checks.positive("a", a);
        Checks.positive("b", b);
        double lx = logGamma(a, rng);
        double ly = logGamma(b, rng);
        // x / (x + y) = 1 / (1 + exp(ly - lx)), stable for any magnitudes
        double r = 1.0 / (1.0 + Math.exp(ly - lx));
        return Math.min(1.0, Math.max(0.0, r));
    }

    /** The log of a {@code Gamma(shape, 1)} sample. */
    private static double logGamma(double shape, RandomGenerator rng) {
        if (shape < 1) {
            double u = 1.0 - rng.nextDouble(); // (0, 1]
            return logGamma(shape + 1, rng) + Math.log(u) / shape;
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x;
            double v;
            do {
                x = rng.nextGaussian();
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = 1.0 - rng.nextDouble(); // (0, 1]
            double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2
                    || Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
                return Math.log(d) + Math.log(v);
            }
        }
    }
}
