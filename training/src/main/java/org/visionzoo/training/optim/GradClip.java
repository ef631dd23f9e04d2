package org.visionzoo.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;

import org.visionzoo.core.model.GradMode;

import java.util.List;

/** Gradient clipping. */
@SuppressWarnings("try") // the GradMode handle only restores the mode on close
public final class GradClip {

    private GradClip() {}

    /**
     * {@code torch.nn.utils.clip_grad_norm_(parameters, maxNorm)} with norm type 2: computes the
     * L2 norm of all gradients together and, when {@code maxNorm / (total + 1e-6) < 1}, scales
     * every gradient in place by that coefficient. Parameters without a gradient are skipped.
     *
     * @param parameters the parameters whose gradients to clip
     * @param maxNorm the largest allowed total norm, &gt; 0
     * @return the total norm before clipping (may be infinite or NaN; then, as in PyTorch with
     *     {@code error_if_nonfinite=False}, the gradients are scaled by a non-finite coefficient
     *     only if it is below 1)
     * @throws IllegalArgumentException if {@code maxNorm} is not positive
     */
    public static float clipGlobalNorm(List<Parameter> parameters, float maxNorm) {
        if (!(maxNorm > 0f)) {
            throw new IllegalArgumentException("maxNorm must be > 0: " + maxNorm);
        }
        try (GradMode ignored = GradMode.disabled()) {
            double sumSq = 0;
            for (Parameter p : parameters) {
                NDArray a = p.getArray();
                if (!a.hasGradient()) {
                    continue;
                }
                try (NDArray g = a.getGradient();
                        NDArray n = g.norm();
                        NDArray f = n.toType(DataType.FLOAT32, true)) {
                    float v = f.getFloat();
                    sumSq += (double) v * v;
                }
            }
            float total = (float) Math.sqrt(sumSq);
            float coef = maxNorm / (total + 1e-6f);
            if (coef < 1f) {
                for (Parameter p : parameters) {
                    NDArray a = p.getArray();
                    if (a.hasGradient()) {
                        try (NDArray g = a.getGradient()) {
                            g.muli(coef);
                        }
                    }
                }
            }
            return total;
        }
    }
}
