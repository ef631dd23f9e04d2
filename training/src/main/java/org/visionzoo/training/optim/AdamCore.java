package org.visionzoo.training.optim;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** torch 1.13's single-tensor Adam/AdamW, differing only in how weight decay is applied. */
abstract class AdamCore extends BaseOptimizer {

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

    AdamCore(List<ParamGroup> groups, float beta1, float beta2, float eps, boolean amsgrad,
            boolean decoupled) {
        super(groups);
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
        this.amsgrad = amsgrad;
        this.decoupled = decoupled;
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
                if (slot.weightDecay != 0f) {
                    p.muli((float) (1.0 - (double) lr * slot.weightDecay));
                }
            } else if (slot.weightDecay != 0f) {
                owned = p.mul(slot.weightDecay);
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
}
