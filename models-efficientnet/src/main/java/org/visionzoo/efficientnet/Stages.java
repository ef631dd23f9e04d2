package org.visionzoo.efficientnet;

import org.visionzoo.core.Checks;
import org.visionzoo.core.nn.Layers;

/** Validation and torchvision's scaling rules, shared by the {@link Stage} rows. */
final class Stages {

    /** The largest channel or layer count a scaled row may have. */
    static final int MAX = 1 << 20;

    private Stages() {}

    /**
     * torchvision's {@code adjust_channels}: {@code makeDivisible(channels * widthMultiplier, 8)}.
     *
     * @param channels unscaled channels
     * @param widthMultiplier the width multiplier
     * @return the scaled channels
     */
    static int scaleChannels(int channels, double widthMultiplier) {
        double scaled = channels * widthMultiplier;
        if (scaled > MAX) {
            throw new IllegalArgumentException(
                    "widthMultiplier " + widthMultiplier + " makes " + channels + " channels " + (long) scaled
                            + ", more than " + MAX);
        }
        return Layers.makeDivisible(scaled, 8);
    }

    /**
     * torchvision's {@code adjust_depth}: {@code ceil(layers * depthMultiplier)}.
     *
     * @param layers unscaled number of blocks
     * @param depthMultiplier the depth multiplier
     * @return the scaled number of blocks
     */
    static int scaleLayers(int layers, double depthMultiplier) {
        double scaled = Math.ceil(layers * depthMultiplier);
        if (scaled > MAX) {
            throw new IllegalArgumentException(
                    "depthMultiplier " + depthMultiplier + " makes " + layers + " layers " + (long) scaled
                            + ", more than " + MAX);
        }
        return (int) scaled;
    }

    /**
     * Makes a row of one kind from its fields, the canonical constructor of a {@link Stage} record.
     *
     * @param <S> the kind of row
     */
    @FunctionalInterface
    interface RowFactory<S extends Stage> {

        /**
         * Makes the row.
         *
         * @param expandRatio hidden width over input width
         * @param kernel the kernel size
         * @param stride the first block's stride
         * @param inChannels the first block's input channels
         * @param outChannels every block's output channels
         * @param layers number of blocks
         * @return the row
         */
        S make(double expandRatio, int kernel, int stride, int inChannels, int outChannels, int layers);
    }

    /**
     * A row with the compound-scaling multipliers applied, torchvision's way: the channels {@link
     * #scaleChannels scaled} (when {@code scaleChannels} says so), the layers {@link #scaleLayers
     * scaled}, the rest kept.
     *
     * @param row the row as written
     * @param widthMultiplier the width multiplier, checked
     * @param depthMultiplier the depth multiplier, checked
     * @param scaleChannels whether to scale the channels
     * @param factory makes a row of the same kind
     * @param <S> the kind of row
     * @return the scaled row
     */
    static <S extends Stage> S scale(
            S row, double widthMultiplier, double depthMultiplier, boolean scaleChannels, RowFactory<S> factory) {
        checkMultiplier("widthMultiplier", widthMultiplier);
        checkMultiplier("depthMultiplier", depthMultiplier);
        return factory.make(
                row.expandRatio(),
                row.kernel(),
                row.stride(),
                scaleChannels ? scaleChannels(row.inChannels(), widthMultiplier) : row.inChannels(),
                scaleChannels ? scaleChannels(row.outChannels(), widthMultiplier) : row.outChannels(),
                scaleLayers(row.layers(), depthMultiplier));
    }

    /** Checks a multiplier; the message names it. */
    static double checkMultiplier(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be > 0 and finite, got " + value);
        }
        return value;
    }

    /** Validates the fields shared by both kinds of row. */
    static void validate(
            double expandRatio, int kernel, int stride, int inChannels, int outChannels, int layers) {
        if (!(expandRatio > 0) || Double.isInfinite(expandRatio)) {
            throw new IllegalArgumentException("expandRatio must be > 0 and finite, got " + expandRatio);
        }
        Checks.oddKernel("kernel", kernel);
        Checks.stride("stride", stride);
        if (inChannels < 1) {
            throw new IllegalArgumentException("inChannels must be >= 1, got " + inChannels);
        }
        if (outChannels < 1) {
            throw new IllegalArgumentException("outChannels must be >= 1, got " + outChannels);
        }
        if (layers < 1) {
            throw new IllegalArgumentException("layers must be >= 1, got " + layers);
        }
    }
}
