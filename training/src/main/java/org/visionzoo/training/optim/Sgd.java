package org.visionzoo.training.optim;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * {@code torch.optim.SGD} (PyTorch 1.13, single-tensor path), with the weight decay of each
 * {@link ParamGroup}:
 *
 * <pre>
 * d_p = g + weight_decay * p
 * if momentum != 0:
 *     buf = d_p                                       (first step)
 *     buf = momentum * buf + (1 - dampening) * d_p    (later steps)
 *     d_p = d_p + momentum * buf   if nesterov   else   buf
 * p -= lr * d_p
 * </pre>
 *
 * <p>State: {@code <key>.momentum_buffer} per parameter when momentum is non-zero.
 */
public final class Sgd extends BaseOptimizer {

    private static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final float momentum;
    private final float dampening;
    private final boolean nesterov;

    private Sgd(Builder b, List<ParamGroup> groups) {
        super(groups);
        this.momentum = b.momentum;
        this.dampening = b.dampening;
        this.nesterov = b.nesterov;
    }

    /**
     * Starts a builder (momentum 0, dampening 0, no nesterov: PyTorch's defaults).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The momentum factor.
     *
     * @return momentum
     */
    public float momentum() {
        return momentum;
    }

    /**
     * The dampening of the momentum.
     *
     * @return dampening
     */
    public float dampening() {
        return dampening;
    }

    /**
     * Whether Nesterov momentum is used.
     *
     * @return nesterov
     */
    public boolean nesterov() {
        return nesterov;
    }

    @Override
    List<String> bufferNames() {
        return momentum != 0f ? List.of(MOMENTUM_BUFFER) : List.of();
    }

    @Override
    void update(Slot slot, NDArray p, NDArray g, float lr) {
        NDArray owned = null;
        try {
            NDArray dp = g;
            if (slot.weightDecay() != 0f) {
                owned = p.mul(slot.weightDecay());
                owned.addi(g);
                dp = owned;
            }
            if (momentum != 0f) {
                NDArray buf = buffer(slot, MOMENTUM_BUFFER);
                if (buf == null) {
                    buf = dp.duplicate();
                    putBuffer(slot, MOMENTUM_BUFFER, buf);
                } else {
                    buf.muli(momentum);
                    if (dampening == 0f) {
                        buf.addi(dp);
                    } else {
                        try (NDArray t = dp.mul(1f - dampening)) {
                            buf.addi(t);
                        }
                    }
                }
                if (nesterov) {
                    NDArray t = buf.mul(momentum);
                    t.addi(dp);
                    if (owned != null) {
                        owned.close();
                    }
                    owned = t;
                    dp = t;
                } else {
                    dp = buf;
                }
            }
            try (NDArray delta = dp.mul(lr)) {
                p.subi(delta);
            }
        } finally {
            if (owned != null) {
                owned.close();
            }
        }
    }

    /** Options of {@link Sgd}; weight decay comes from the groups. */
    public static final class Builder {
        private float momentum;
        private float dampening;
        private boolean nesterov;

        private Builder() {}

        /**
         * @param m momentum factor, &gt;= 0
         * @return this builder
         */
        public Builder momentum(float m) {
            this.momentum = m;
            return this;
        }

        /**
         * @param d dampening of the momentum, &gt;= 0
         * @return this builder
         */
        public Builder dampening(float d) {
            this.dampening = d;
            return this;
        }

        /**
         * @param n whether to use Nesterov momentum (needs momentum &gt; 0 and dampening 0)
         * @return this builder
         */
        public Builder nesterov(boolean n) {
            this.nesterov = n;
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @param groups the parameter groups
         * @return the optimizer
         * @throws IllegalArgumentException on invalid options (the message names the fields)
         */
        public Sgd build(List<ParamGroup> groups) {
            if (!(momentum >= 0f) || Float.isInfinite(momentum)) {
                throw new IllegalArgumentException("momentum must be finite and >= 0: " + momentum);
            }
            if (!(dampening >= 0f) || Float.isInfinite(dampening)) {
                throw new IllegalArgumentException("dampening must be finite and >= 0: " + dampening);
            }
            if (nesterov && (momentum <= 0f || dampening != 0f)) {
                throw new IllegalArgumentException("nesterov requires momentum > 0 and dampening == 0"
                        + " (momentum=" + momentum + ", dampening=" + dampening + ")");
            }
            return new Sgd(this, groups);
        }
    }
}
