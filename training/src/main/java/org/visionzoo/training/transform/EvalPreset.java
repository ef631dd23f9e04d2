package org.visionzoo.training.transform;

import org.visionzoo.core.pretrained.EvalTransform;
import org.visionzoo.core.pretrained.WeightsCatalogue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * torchvision's evaluation preset as a {@link Transform}: core's {@link EvalTransform} (resize
 * antialiased as PIL does, centre crop, normalise) on an {@link Image} of values in {@code [0, 1]}.
 * Deterministic.
 */
public final class EvalPreset implements Transform {

    private final EvalTransform transform;

    /**
     * Wraps a transform.
     *
     * @param transform the evaluation transform
     */
    public EvalPreset(EvalTransform transform) {
        this.transform = Objects.requireNonNull(transform, "transform");
    }

    /**
     * The evaluation transform of a model for a crop size and normalisation: the resize and
     * interpolation of its default torchvision weights when the crop size is theirs, else
     * torchvision-style defaults ({@code round(size * 256 / 224)}, bilinear), always with the given
     * mean and standard deviation.
     *
     * @param model the registry name, or {@code null} for the defaults
     * @param size the crop size
     * @param normalize the per-channel mean and standard deviation
     * @return the preset
     */
    public static EvalPreset forModel(String model, int size, Normalize normalize) {
        EvalTransform t = (model == null ? java.util.Optional.<EvalTransform>empty()
                : WeightsCatalogue.standard().evalTransform(model))
                .filter(e -> e.cropSize() == size)
                .orElseGet(() -> EvalTransform.imagenetDefaults(size));
        return new EvalPreset(new EvalTransform(t.resizeSize(), size, t.interpolation(), list(normalize.mean()),
                list(normalize.std()), t.antialias()));
    }

    private static List<Double> list(float[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add((double) v);
        }
        return out;
    }

    /**
     * Returns the wrapped transform.
     *
     * @return the transform
     */
    public EvalTransform transform() {
        return transform;
    }

    @Override
    public Image apply(Image in, RandomGenerator rng) {
        int crop = transform.cropSize();
        return new Image(in.channels(), crop, crop, transform.apply(in.data(), in.channels(), in.height(), in.width()));
    }

    @Override
    public String toString() {
        return "EvalPreset(" + transform + ")";
    }
}
