package org.visionzoo.training.optim;

import ai.djl.nn.Parameter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable set of named parameters sharing one weight decay, like one entry of a PyTorch
 * optimizer's {@code param_groups}. A group made without a weight decay ({@link #of(Map)}) takes
 * the optimizer's default, as a PyTorch group without a {@code weight_decay} key does (0 for
 * {@link Sgd} and {@link AdamW#adam()}, 0.01 for {@link AdamW#builder()}).
 *
 * <p>Names are the parameters' {@code state_dict} keys ({@code layer1.0.conv1.weight}); an
 * optimizer's state is keyed by them.
 */
public final class ParamGroup {

    private final Map<String, Parameter> parameters;
    private final float weightDecay;

    private ParamGroup(Map<String, Parameter> parameters, float weightDecay) {
        this.parameters = parameters;
        this.weightDecay = weightDecay;
    }

    /**
     * Creates a group.
     *
     * @param parameters name to parameter, in update order (copied)
     * @param weightDecay the group's weight decay, &gt;= 0
     * @return the group
     * @throws IllegalArgumentException if the weight decay is negative or not finite, or a name is
     *     blank
     */
    public static ParamGroup of(Map<String, Parameter> parameters, float weightDecay) {
        if (!(weightDecay >= 0f) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0: " + weightDecay);
        }
        return create(parameters, weightDecay);
    }

    /**
     * Creates a group that takes the optimizer's default weight decay.
     *
     * @param parameters name to parameter, in update order (copied)
     * @return the group
     * @throws IllegalArgumentException if a name is blank
     */
    public static ParamGroup of(Map<String, Parameter> parameters) {
        return create(parameters, Float.NaN);
    }

    private static ParamGroup create(Map<String, Parameter> parameters, float weightDecay) {
        Objects.requireNonNull(parameters, "parameters");
        Map<String, Parameter> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw new IllegalArgumentException("parameter names must not be blank");
            }
            copy.put(e.getKey(), Objects.requireNonNull(e.getValue(), e.getKey()));
        }
        return new ParamGroup(Collections.unmodifiableMap(copy), weightDecay);
    }

    /**
     * The group's parameters.
     *
     * @return name to parameter, in update order (unmodifiable)
     */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /**
     * The group's weight decay.
     *
     * @return the weight decay (L2 for {@link Sgd} and {@link AdamW#adam()}, decoupled for {@link
     *     AdamW#builder()}), or {@code NaN} when the group takes the optimizer's default
     */
    public float weightDecay() {
        return weightDecay;
    }

    /**
     * Whether the group sets its own weight decay (else the optimizer's default applies).
     *
     * @return true when set
     */
    public boolean hasWeightDecay() {
        return !Float.isNaN(weightDecay);
    }

    /**
     * The weight decay an optimizer applies to this group.
     *
     * @param optimizerDefault the optimizer's default
     * @return the group's own decay, else the default
     */
    public float weightDecayOr(float optimizerDefault) {
        return hasWeightDecay() ? weightDecay : optimizerDefault;
    }

    /**
     * A copy with another weight decay.
     *
     * @param decay the new weight decay
     * @return the copy
     */
    public ParamGroup withWeightDecay(float decay) {
        return of(parameters, decay);
    }

    @Override
    public String toString() {
        return "ParamGroup[" + parameters.size() + " parameters, weightDecay="
                + (hasWeightDecay() ? Float.toString(weightDecay) : "the optimizer's default") + "]";
    }
}
