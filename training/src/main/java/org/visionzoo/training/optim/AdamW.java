package org.visionzoo.training.optim;

import java.util.List;

/**
 * {@code torch.optim.AdamW} (PyTorch 1.13, single-tensor path): the group's weight decay is
 * decoupled ({@code p *= 1 - lr * weight_decay} before the Adam update).
 *
 * <p>Bias corrections use the step count: with {@code bc1 = 1 - beta1^t}, {@code bc2 = 1 -
 * beta2^t}, {@code m = beta1*m + (1-beta1)*g}, {@code v = beta2*v + (1-beta2)*g*g} ({@code v =
 * max(v_max, v)} with amsgrad), {@code p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)}. State per
 * parameter: {@code <key>.exp_avg}, {@code <key>.exp_avg_sq} and, with amsgrad, {@code
 * <key>.max_exp_avg_sq}.
 */
public final class AdamW extends AdamCore {

    private AdamW(Builder b, List<ParamGroup> groups) {
        super(groups, b.beta1, b.beta2, b.eps, b.amsgrad, true);
    }

    /**
     * Starts a builder with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no amsgrad.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of {@link AdamW}; weight decay comes from the groups. */
    public static final class Builder {
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float eps = 1e-8f;
        private boolean amsgrad;

        private Builder() {}

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
