package org.visionzoo.training.optim;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import org.visionzoo.core.weights.StateDict;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the usual parameter groups of a model. */
public final class ParamGroups {

    private ParamGroups() {}

    /**
     * Splits a model's trainable parameters into two groups, the torchvision reference recipe's
     * {@code norm_weight_decay=0}: group 0 holds the parameters of rank &gt;= 2 (convolution and
     * linear weights) with {@code weightDecay}; group 1 holds those of rank 1 (biases and
     * batch-norm weights and biases) with no decay. Running statistics ({@link
     * Parameter.Type#RUNNING_MEAN}, {@link Parameter.Type#RUNNING_VAR}) and frozen parameters
     * ({@code !requiresGradient()}) are left out; a parameter reached twice is listed once.
     *
     * @param model an initialized model
     * @param weightDecay the decay of group 0
     * @return the two groups (either may be empty), parameters named by {@link
     *     StateDict#parameters} keys
     * @throws IllegalStateException if a trainable parameter is not initialized
     */
    public static List<ParamGroup> defaultGroups(Block model, float weightDecay) {
        List<ParamGroup> g = defaultGroups(model);
        return List.of(g.get(0).withWeightDecay(weightDecay), g.get(1));
    }

    /**
     * The two groups of {@link #defaultGroups(Block, float)}, group 0 taking the optimizer's
     * default weight decay ({@link ParamGroup#of(Map)}).
     *
     * @param model an initialized model
     * @return the two groups (either may be empty)
     * @throws IllegalStateException if a trainable parameter is not initialized
     */
    public static List<ParamGroup> defaultGroups(Block model) {
        Map<String, Parameter> decay = new LinkedHashMap<>();
        Map<String, Parameter> noDecay = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : trainable(model).entrySet()) {
            Parameter p = e.getValue();
            if (p.getArray().getShape().dimension() >= 2) {
                decay.put(e.getKey(), p);
            } else {
                noDecay.put(e.getKey(), p);
            }
        }
        return List.of(ParamGroup.of(decay), ParamGroup.of(noDecay, 0f));
    }

    /**
     * One group of all trainable parameters (as {@link #defaultGroups}, without the split).
     *
     * @param model an initialized model
     * @param weightDecay the decay of every parameter
     * @return a single group
     */
    public static List<ParamGroup> single(Block model, float weightDecay) {
        return List.of(ParamGroup.of(trainable(model), weightDecay));
    }

    private static Map<String, Parameter> trainable(Block model) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Parameter> e : StateDict.parameters(model).entrySet()) {
            Parameter p = e.getValue();
            Parameter.Type type = p.getType();
            if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR
                    || !p.requiresGradient() || !seen.add(p)) {
                continue;
            }
            if (!p.isInitialized()) {
                throw new IllegalStateException("parameter " + e.getKey()
                        + " is not initialized: initialize the model before building groups");
            }
            out.put(e.getKey(), p);
        }
        return out;
    }
}
