package org.visionzoo.training.transform;

import org.visionzoo.core.Checks;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** Combinators for {@link Transform}s. */
public final class Transforms {

    private Transforms() {}

    /**
     * Chains transforms, applied left to right, all drawing from the same generator.
     *
     * @param transforms the steps, none {@code null}
     * @return a transform applying each step in turn
     */
    public static Transform compose(Transform... transforms) {
        List<Transform> steps = List.of(transforms); // rejects null elements
        return (in, rng) -> {
            Image x = in;
            for (Transform t : steps) {
                x = t.apply(x, rng);
            }
            return x;
        };
    }

    /**
     * Returns the identity transform.
     *
     * @return a transform returning its input unchanged
     */
    public static Transform identity() {
        return (in, rng) -> in;
    }

    /**
     * Applies {@code transform} with probability {@code p} (torchvision's {@code RandomApply}).
     *
     * @param p probability in {@code [0, 1]}
     * @param transform the transform
     * @return the random transform
     */
    public static Transform randomApply(double p, Transform transform) {
        Checks.probability("p", p);
        Objects.requireNonNull(transform, "transform");
        return (in, rng) -> rng.nextDouble() < p ? transform.apply(in, rng) : in;
    }

    static int uniformInt(RandomGenerator rng, int boundExclusive) {
        return boundExclusive <= 1 ? 0 : rng.nextInt(boundExclusive);
    }
}
