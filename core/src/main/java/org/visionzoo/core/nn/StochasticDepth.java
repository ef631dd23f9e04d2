package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.Objects;

/**
 * Stochastic depth (Huang et al., 2016, "Deep Networks with Stochastic Depth"), as torchvision's
 * {@code ops.StochasticDepth}: in training, each sample ({@link Mode#ROW}) or the whole batch
 * ({@link Mode#BATCH}) of a residual branch is zeroed with probability {@code p} and the survivors
 * are scaled by {@code 1 / (1 - p)}, so the expectation is unchanged; in evaluation it is the
 * identity.
 */
public final class StochasticDepth extends SameShapeBlock {

    /** Whether the drop decision is taken per sample or for the whole batch. */
    public enum Mode {
        /** One decision per sample. */
        ROW,
        /** One decision for the whole batch. */
        BATCH
    }

    private final float p;
    private final Mode mode;

    /**
     * Creates the block.
     *
     * @param p the drop probability in [0, 1]
     * @param mode row or batch
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     */
    public StochasticDepth(float p, Mode mode) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
        this.p = p;
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * Returns the drop probability.
     *
     * @return the drop probability
     */
    public float p() {
        return p;
    }

    @Override
    NDArray compute(NDArray x, boolean training) {
        if (!training || p == 0f) {
            return x;
        }
        long[] noiseShape = new long[x.getShape().dimension()];
        java.util.Arrays.fill(noiseShape, 1L);
        if (mode == Mode.ROW) {
            noiseShape[0] = x.getShape().get(0);
        }
        float survival = 1f - p;
        try (NDArray u = x.getManager().randomUniform(0f, 1f, new Shape(noiseShape), x.getDataType(), x.getDevice());
                NDArray keep = u.lt(survival);
                NDArray mask = keep.toType(x.getDataType(), false)) {
            if (survival == 0f) {
                return x.mul(mask);
            }
            try (NDArray scaled = mask.div(survival)) {
                return x.mul(scaled);
            }
        }
    }
}
