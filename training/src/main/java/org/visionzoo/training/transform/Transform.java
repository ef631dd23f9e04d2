package org.visionzoo.training.transform;

import java.util.random.RandomGenerator;

/**
 * A per-sample image transform. Implementations are stateless and thread-safe: all randomness
 * comes from the generator passed to each call, so the same generator state gives the same output.
 */
@FunctionalInterface
public interface Transform {

    /**
     * Applies the transform. The input is taken over: it may be changed in place and returned (see
     * {@link Image}).
     *
     * @param in the input image, not used by the caller afterwards
     * @param rng the only source of randomness; deterministic transforms ignore it
     * @return the output image, possibly {@code in} itself
     */
    Image apply(Image in, RandomGenerator rng);
}
