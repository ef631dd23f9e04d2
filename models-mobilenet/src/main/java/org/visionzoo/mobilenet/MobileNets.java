package org.visionzoo.mobilenet;

import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

import org.visionzoo.core.nn.Heads;
import org.visionzoo.core.nn.Init;
import org.visionzoo.core.nn.Layers;
import org.visionzoo.core.nn.Sequential;

/** What the MobileNets share: torchvision's classifier initialisation and the builders' checks. */
final class MobileNets {

    /** The largest width multiplier the V2 and V3 builders accept. */
    static final double MAX_WIDTH = 10.0;

    private MobileNets() {}

    /**
     * A linear layer with torchvision's MobileNet initialisation: weight N(0, 0.01^2), bias 0.
     */
    static Linear linear(long in, long out) {
        Linear linear = Layers.linear(in, out);
        initLinear(linear);
        return linear;
    }

    private static void initLinear(ai.djl.nn.Block linear) {
        linear.setInitializer(Init.normal(0.01f), Parameter.Type.WEIGHT);
        linear.setInitializer(Init.ZEROS, Parameter.Type.BIAS);
    }

    /** {@code classifier} = Dropout ({@code 0}), Linear ({@code 1}) with torchvision's initialisation. */
    static Sequential dropoutLinear(double dropout, long features, long classes) {
        Sequential head = Heads.dropoutLinear((float) dropout, features, classes);
        initLinear(head.child("1"));
        return head;
    }

    static double width(double widthMultiplier, double max) {
        if (!(widthMultiplier > 0 && widthMultiplier <= max)) {
            throw new IllegalArgumentException(
                    "widthMultiplier must be in (0, " + (max == 1.0 ? "1" : String.valueOf((int) max))
                            + "], got " + widthMultiplier);
        }
        return widthMultiplier;
    }

}
