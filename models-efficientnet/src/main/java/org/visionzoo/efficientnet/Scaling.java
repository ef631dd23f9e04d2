package org.visionzoo.efficientnet;

import org.visionzoo.core.Checks;

import java.util.List;

/**
 * Compound-scaling coefficients of an EfficientNet (Tan and Le 2019, section 3.3): the network's
 * width (channels), depth (blocks per stage) and input resolution grow together, and the dropout
 * before the classifier with them.
 *
 * <p>The paper's method fixes {@code alpha * beta^2 * gamma^2 ~= 2} by a small grid search on B0
 * ({@link #ALPHA} = 1.2 for depth, {@link #BETA} = 1.1 for width, {@link #GAMMA} = 1.15 for
 * resolution) and scales by a compound coefficient {@code phi}: depth {@code alpha^phi}, width
 * {@code beta^phi}, resolution {@code gamma^phi}, so that FLOPS grow by about {@code 2^phi}
 * ({@link #compound(double, double)}). The released B1-B7 use rounded coefficients, listed as
 * constants here ({@link #B0} ... {@link #B7}, from the paper's reference implementation, which
 * torchvision's builders use too).
 *
 * <pre>{@code
 * EfficientNet b3 = EfficientNet.builder().scaling(Scaling.B3).build();   // = efficientnet_b3's architecture
 * Scaling phi2 = Scaling.compound(2, 0.3);                                 // 1.21 / 1.44 / 296 / 0.3
 * }</pre>
 *
 * @param width the width (channel) multiplier, {@code > 0}
 * @param depth the depth (blocks per stage) multiplier, {@code > 0}
 * @param resolution the input resolution the scaled network is meant for, {@code >= 1}
 * @param dropout the dropout probability before the classifier, in [0, 1)
 */
public record Scaling(double width, double depth, int resolution, double dropout) {

    /** The depth base of compound scaling, {@code alpha}. */
    public static final double ALPHA = 1.2;

    /** The width base of compound scaling, {@code beta}. */
    public static final double BETA = 1.1;

    /** The resolution base of compound scaling, {@code gamma}. */
    public static final double GAMMA = 1.15;

    /** The baseline's resolution, B0's 224. */
    public static final int BASE_RESOLUTION = 224;

    /** EfficientNet-B0: width 1.0, depth 1.0, 224 px, dropout 0.2. */
    public static final Scaling B0 = new Scaling(1.0, 1.0, 224, 0.2);

    /** EfficientNet-B1: width 1.0, depth 1.1, 240 px, dropout 0.2. */
    public static final Scaling B1 = new Scaling(1.0, 1.1, 240, 0.2);

    /** EfficientNet-B2: width 1.1, depth 1.2, 260 px, dropout 0.3. */
    public static final Scaling B2 = new Scaling(1.1, 1.2, 260, 0.3);

    /** EfficientNet-B3: width 1.2, depth 1.4, 300 px, dropout 0.3. */
    public static final Scaling B3 = new Scaling(1.2, 1.4, 300, 0.3);

    /** EfficientNet-B4: width 1.4, depth 1.8, 380 px, dropout 0.4. */
    public static final Scaling B4 = new Scaling(1.4, 1.8, 380, 0.4);

    /** EfficientNet-B5: width 1.6, depth 2.2, 456 px, dropout 0.4. */
    public static final Scaling B5 = new Scaling(1.6, 2.2, 456, 0.4);

    /** EfficientNet-B6: width 1.8, depth 2.6, 528 px, dropout 0.5. */
    public static final Scaling B6 = new Scaling(1.8, 2.6, 528, 0.5);

    /** EfficientNet-B7: width 2.0, depth 3.1, 600 px, dropout 0.5. */
    public static final Scaling B7 = new Scaling(2.0, 3.1, 600, 0.5);

    /**
     * Validates the coefficients; each message names the field and the value.
     *
     * @throws IllegalArgumentException on a value out of range
     */
    public Scaling {
        if (!(width > 0) || Double.isInfinite(width)) {
            throw new IllegalArgumentException("width must be > 0 and finite, got " + width);
        }
        if (!(depth > 0) || Double.isInfinite(depth)) {
            throw new IllegalArgumentException("depth must be > 0 and finite, got " + depth);
        }
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution must be >= 1, got " + resolution);
        }
        Checks.dropRate("dropout", dropout);
    }

    /**
     * The released EfficientNet-B0 ... B7 coefficients, in order.
     *
     * @return B0 to B7
     */
    public static List<Scaling> efficientNetV1() {
        return List.of(B0, B1, B2, B3, B4, B5, B6, B7);
    }

    /**
     * The coefficients of EfficientNet-B{@code index}.
     *
     * @param index 0 to 7
     * @return the coefficients
     * @throws IllegalArgumentException if {@code index} is outside [0, 7]
     */
    public static Scaling b(int index) {
        if (index < 0 || index > 7) {
            throw new IllegalArgumentException("index must be in [0, 7], got " + index);
        }
        return efficientNetV1().get(index);
    }

    /**
     * Compound scaling by equation 3 of the paper: width {@code BETA^phi}, depth {@code
     * ALPHA^phi}, resolution {@code round(224 * GAMMA^phi)}.
     *
     * @param phi the compound coefficient, {@code >= 0} (0 gives B0's coefficients)
     * @param dropout the dropout probability, in [0, 1)
     * @return the coefficients
     * @throws IllegalArgumentException if {@code phi} is negative or not finite, or the dropout is
     *     out of range
     */
    public static Scaling compound(double phi, double dropout) {
        if (!(phi >= 0) || Double.isInfinite(phi)) {
            throw new IllegalArgumentException("phi must be >= 0 and finite, got " + phi);
        }
        return new Scaling(
                Math.pow(BETA, phi),
                Math.pow(ALPHA, phi),
                (int) Math.round(BASE_RESOLUTION * Math.pow(GAMMA, phi)),
                dropout);
    }

    /**
     * The FLOPS factor over the baseline this scaling implies, {@code depth * width^2 *
     * (resolution / 224)^2} (the paper's approximation: convolution cost grows linearly with depth
     * and quadratically with width and resolution).
     *
     * @return the factor, e.g. about {@code 2^phi} for {@link #compound(double, double)}
     */
    public double flopsFactor() {
        double r = resolution / (double) BASE_RESOLUTION;
        return depth * width * width * r * r;
    }
}
