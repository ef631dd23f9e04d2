package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.pooling.Pool;

/** Parameter-free operations the families share. */
public final class Ops {

    private Ops() {}

    /**
     * Global average pooling {@code (N, C, H, W) -> (N, C)}, torchvision's {@code avgpool} followed
     * by {@code flatten(1)}.
     *
     * @param x the input, left open
     * @return the pooled features
     */
    public static NDArray globalAvgPool(NDArray x) {
        return Pool.globalAvgPool2d(x);
    }

    /**
     * Global average pooling keeping the spatial dimensions: {@code (N, C, H, W) -> (N, C, 1, 1)}.
     *
     * @param x the input, left open
     * @return the pooled input
     */
    public static NDArray globalAvgPoolKeepDims(NDArray x) {
        try (NDArray pooled = Pool.globalAvgPool2d(x)) {
            return pooled.reshape(pooled.getShape().get(0), pooled.getShape().get(1), 1, 1);
        }
    }
}
