package org.visionzoo.training.optim;

import ai.djl.ndarray.NDArray;

import org.visionzoo.core.Checks;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.AdamW} and {@code torch.optim.Adam} (PyTorch 1.13, single-tensor path), which
 * differ only in how the group's weight decay is applied: decoupled for AdamW ({@code p *= 1 - lr
 * * weight_decay} before the Adam update; {@link #builder()}), L2 added to the gradient for Adam
 * ({@code g + weight_decay * p}; {@link #adam()}).
 *
 * <p>Bias corrections use the step count: with {@code bc1 = 1 - beta1^t}, {@code bc2 = 1 -
 * beta2^t}, {@code m = beta1*m + (1-beta1)*g}, {@code v = beta2*v + (1-beta2)*g*g} ({@code v =
 * max(v_max, v)} with amsgrad), {@code p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)}. State per
 * parameter: {@code <key>.exp_avg}, {@code <key>.exp_avg_sq} and, with amsgrad, {@code
 * <key>.max_exp_avg_sq}.
 */
public final class AdamW extends BaseOptimizer {

    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final boolean amsgrad;
    private final boolean decoupled;

    private float stepSize;
    private float bias2Sqrt;

    private AdamW(Builder b, List<ParamGroup> groups) {
        super(groups, b.weightDecay);
        float beta1 = b.beta1;
        float beta2 = b.beta2;
        float eps = b.eps;
        if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f)) {
            throw new IllegalArgumentException(
                    "betas must be in [0, 1): beta1=" + beta1 + ", beta2=" + beta2);
        }
        if (!(eps >= 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and >= 0: " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.amsgrad = b.amsgrad;
        this.decoupled = b.decoupled;
    }

    /**
     * Starts a builder for {@code torch.optim.AdamW}: decoupled weight decay, PyTorch's defaults
     * betas (0.9, 0.999), eps 1e-8, no amsgrad and weight decay 0.01 for the groups without their
     * own ({@link ParamGroup#of(Map)}; a trainer's default groups are such unless {@code
     * weightDecay} is set).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder(true, 0.01f);
    }

    /**
     * Starts a builder for {@code torch.optim.Adam}: weight decay as L2 added to the gradient
     * ({@code g + weight_decay * p}), PyTorch's defaults betas (0.9, 0.999), eps 1e-8, no amsgrad
     * and weight decay 0 for the groups without their own.
     *
     * @return a builder
     */
    public static Builder adam() {
        return new Builder(false, 0f);
    }

    /**
     * Whether the weight decay is decoupled (AdamW) rather than L2 on the gradient (Adam).
     *
     * @return true for AdamW
     */
    public boolean decoupled() {
        return decoupled;
    }

    /**
     * The coefficient of the running average of the gradient.
     *
     * @return beta1
     */
    public float beta1() {
        return beta1;
    }

    /**
     * The coefficient of the running average of the squared gradient.
     *
     * @return beta2
     */
    public float beta2() {
        return beta2;
    }

    /**
     * The term added to the denominator.
     *
     * @return eps
     */
    public float eps() {
        return eps;
    }

    /**
     * Whether the AMSGrad variant is used.
     *
     * @return amsgrad
     */
    public boolean amsgrad() {
        return amsgrad;
    }

    @Override
    List<String> bufferNames() {
        return amsgrad ? List.of(EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ) : List.of(EXP_AVG, EXP_AVG_SQ);
    }

    @Override
    void beginStep(float lr, int step) {
        // Python floats (double) in torch; each scalar is rounded to float32 when applied.
        double bc1 = 1.0 - Math.pow(beta1, step);
        double bc2 = 1.0 - Math.pow(beta2, step);
        stepSize = (float) (lr / bc1);
        bias2Sqrt = (float) Math.sqrt(bc2);
    }

    @Override
    void update(Slot slot, NDArray p, NDArray g, float lr) {
        NDArray owned = null;
        try {
            NDArray grad = g;
            if (decoupled) {
                if (slot.weightDecay() != 0f) {
                    p.muli((float) (1.0 - (double) lr * slot.weightDecay()));
                }
            } else if (slot.weightDecay() != 0f) {
                owned = p.mul(slot.weightDecay());
                owned.addi(g);
                grad = owned;
            }
            NDArray m = buffer(slot, EXP_AVG);
            NDArray v = buffer(slot, EXP_AVG_SQ);
            if (m == null) {
                m = p.zerosLike();
                putBuffer(slot, EXP_AVG, m);
                v = p.zerosLike();
                putBuffer(slot, EXP_AVG_SQ, v);
                if (amsgrad) {
                    putBuffer(slot, MAX_EXP_AVG_SQ, p.zerosLike());
                }
            }
            m.muli(beta1);
            try (NDArray t = grad.mul(1f - beta1)) {
                m.addi(t);
            }
            v.muli(beta2);
            try (NDArray t = grad.mul(1f - beta2)) {
                t.muli(grad);
                v.addi(t);
            }
            NDArray second = v;
            if (amsgrad) {
                NDArray max = buffer(slot, MAX_EXP_AVG_SQ);
                second = max.maximum(v);
                putBuffer(slot, MAX_EXP_AVG_SQ, second);
            }
            try (NDArray denom = second.sqrt()) {
                denom.divi(bias2Sqrt);
                denom.addi(eps);
                try (NDArray t = m.mul(-stepSize)) {
                    t.divi(denom);
                    p.addi(t);
                }
            }
        } finally {
            if (owned != null) {
                owned.close();
            }
        }
    }

    /** Options of {@link AdamW}; {@link #builder()} and {@link #adam()} start one. */
    public static final class Builder {
        private final boolean decoupled;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float eps = 1e-8f;
        private boolean amsgrad;
        private float weightDecay;

        private Builder(boolean decoupled, float weightDecay) {
            this.decoupled = decoupled;
            this.weightDecay = weightDecay;
        }

        /**
         * @param b1 coefficient of the gradient's running average, in [0, 1)
         * @param b2 coefficient of the squared gradient's running average, in [0, 1)
         * @return this builder
         */
        public Builder betas(float b1, float b2) {
            this.beta1 = b1;
            this.beta2 = b2;
            return this;
        }

        /**
         * @param e term added to the denominator, &gt;= 0
         * @return this builder
         */
        public Builder eps(float e) {
            this.eps = e;
            return this;
        }

        /**
         * @param a whether to use the AMSGrad variant
         * @return this builder
         */
        public Builder amsgrad(boolean a) {
            this.amsgrad = a;
            return this;
        }

        /**
         * Sets the weight decay of the groups that have none of their own (default 0.01 for AdamW,
         * 0 for Adam, PyTorch's); a group's own decay wins.
         *
         * @param wd finite, &gt;= 0
         * @return this builder
         * @throws IllegalArgumentException if negative or not finite
         */
        public Builder weightDecay(float wd) {
            Checks.nonNegative("weightDecay", wd);
            this.weightDecay = wd;
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @param groups the parameter groups
         * @return the optimizer
         * @throws IllegalArgumentException on invalid options (the message names the fields)
         */
        public AdamW build(List<ParamGroup> groups) {
            return new AdamW(this, groups);
        }
    }
}
