package org.visionzoo.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.visionzoo.core.nn.Ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * PyTorch's {@code nn.CrossEntropyLoss} on DJL arrays: logits of shape (N, K) against either class
 * indices (N,) of an integer type or soft targets (N, K) of the logits' floating type (mixup,
 * cutmix).
 *
 * <p>With label smoothing {@code eps} the target becomes {@code (1 - eps) * onehot + eps / K} (for
 * soft targets: {@code (1 - eps) * target + eps / K}), as in torch. The log-probabilities come from
 * DJL's {@code logSoftmax}, which is numerically stable for any logit magnitude, and the loss is
 * reduced in the same order as torch 1.13 so values and gradients agree to float rounding. The
 * reduction is {@link Reduction#MEAN} (divide by N) by default.
 *
 * <p>The result is differentiable with respect to the logits (use it inside a {@code
 * GradientCollector}). It belongs to the logits' manager; every temporary a call creates is closed
 * before it returns, so repeated calls leave the number of managed arrays unchanged once the
 * caller closes the results. Note that DJL 0.36's {@code GradientCollector.backward(loss)} itself
 * leaves a ones-array (the seed gradient) in the loss's manager on every call: attach the loss to a
 * per-step sub-manager before the backward to keep a training loop flat. Not supported (unlike torch): class weights, {@code ignore_index},
 * extra spatial dimensions (N, K, d1, ...), unbatched (K,) input and empty batches.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CrossEntropy {

    /** How per-sample losses are combined, as torch's {@code reduction} argument. */
    public enum Reduction {
        /** The mean over the batch: a scalar. */
        MEAN,
        /** The sum over the batch: a scalar. */
        SUM,
        /** No reduction: one loss per sample, shape (N,). */
        NONE
    }

    private final float labelSmoothing;
    private final Reduction reduction;

    private CrossEntropy(Builder b) {
        this.labelSmoothing = b.labelSmoothing;
        this.reduction = b.reduction;
    }

    /**
     * A builder with torch's defaults: no label smoothing, mean reduction.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The loss with torch's defaults (no label smoothing, mean reduction).
     *
     * @return the default loss
     */
    public static CrossEntropy create() {
        return builder().build();
    }

    /**
     * The label smoothing {@code eps}.
     *
     * @return a value in [0, 1)
     */
    public float labelSmoothing() {
        return labelSmoothing;
    }

    /**
     * The reduction.
     *
     * @return how per-sample losses are combined
     */
    public Reduction reduction() {
        return reduction;
    }

    /**
     * Computes the loss.
     *
     * <p>Class-index targets are checked to lie in [0, K), which copies them to the host (N
     * integers).
     *
     * @param logits unnormalized scores, shape (N, K) with N, K &ge; 1, of a floating type
     * @param target class indices of shape (N,) and an integer type (int8, uint8, int32, int64), or
     *     class probabilities of shape (N, K) and the logits' data type
     * @return a scalar for {@link Reduction#MEAN} and {@link Reduction#SUM}, shape (N,) for {@link
     *     Reduction#NONE}; of the logits' data type, attached to the logits' manager
     * @throws IllegalArgumentException if the shapes or data types do not fit (the message names
     *     both shapes) or a class index is out of range
     */
    public NDArray compute(NDArray logits, NDArray target) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(target, "target");
        Shape ls = logits.getShape();
        Shape ts = target.getShape();
        if (ls.dimension() != 2 || ls.get(0) < 1 || ls.get(1) < 1) {
            throw new IllegalArgumentException("logits must have shape (N, K) with N, K >= 1, got logits "
                    + ls + " and target " + ts);
        }
        if (!logits.getDataType().isFloating()) {
            throw new IllegalArgumentException("logits must be floating point, got "
                    + logits.getDataType() + " (logits " + ls + ", target " + ts + ")");
        }
        long n = ls.get(0);
        long k = ls.get(1);
        try (Temps temps = new Temps(logits.getManager())) {
            if (ts.dimension() == 1) {
                return hard(logits, target, n, k, temps);
            }
            if (ts.equals(ls)) {
                if (target.getDataType() != logits.getDataType()) {
                    throw new IllegalArgumentException("soft targets must have the logits' data type "
                            + logits.getDataType() + ", got " + target.getDataType() + " (logits " + ls
                            + ", target " + ts + ")");
                }
                return soft(logits, target, n, k, temps);
            }
            throw new IllegalArgumentException("target must have shape (N,) = (" + n
                    + ") of class indices or (N, K) = " + ls + " of probabilities, got logits " + ls
                    + " and target " + ts);
        }
    }

    private NDArray hard(NDArray logits, NDArray target, long n, long k, Temps temps) {
        Shape ls = logits.getShape();
        Shape ts = target.getShape();
        if (ts.get(0) != n) {
            throw new IllegalArgumentException("target has " + ts.get(0) + " class indices for " + n
                    + " samples: logits " + ls + ", target " + ts);
        }
        DataType dt = target.getDataType();
        if (dt != DataType.INT64 && dt != DataType.INT32 && dt != DataType.INT8 && dt != DataType.UINT8) {
            throw new IllegalArgumentException("class indices must be int8, uint8, int32 or int64, got "
                    + dt + " (logits " + ls + ", target " + ts + ")");
        }
        NDArray idx = temps.add(target, target.toType(DataType.INT64, false));
        long[] labels = idx.toLongArray();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("class index " + labels[i] + " at position " + i
                        + " is out of range [0, " + k + "): logits " + ls + ", target " + ts);
            }
        }
        NDArray logp = temps.add(logits.logSoftmax(1));
        NDArray column = temps.add(idx.reshape(n, 1));
        NDArray picked = temps.add(temps.add(logp.gather(column, 1)).reshape(n));
        NDArray nll = reduce(temps.add(picked.neg()), temps);
        if (labelSmoothing == 0f) {
            return temps.keep(nll);
        }
        NDArray smooth = reduce(temps.add(temps.add(logp.sum(new int[] {1})).neg()), temps);
        // torch: (1 - eps) * nll + smooth * (eps / K)
        // Scalars libtorch owns: autograd keeps a mul operand for backward (Ops.scalar).
        NDArray a = temps.add(nll.mul(temps.add(Ops.scalar(nll, 1f - labelSmoothing))));
        NDArray b = temps.add(smooth.mul(temps.add(Ops.scalar(smooth, (float) ((double) labelSmoothing / k)))));
        return a.add(b);
    }

    private NDArray soft(NDArray logits, NDArray target, long n, long k, Temps temps) {
        NDArray logp = temps.add(logits.logSoftmax(1));
        NDArray t = target;
        if (labelSmoothing > 0f) {
            // torch: target * (1 - eps) + eps / K
            NDArray scaled = temps.add(target.mul(1f - labelSmoothing));
            t = temps.add(scaled.add((float) ((double) labelSmoothing / k)));
        }
        NDArray prod = temps.add(logp.mul(t));
        switch (reduction) {
            case NONE:
                return temps.add(prod.sum(new int[] {1})).neg();
            case SUM:
                return temps.add(prod.sum()).neg();
            case MEAN:
            default:
                NDArray total = temps.add(temps.add(prod.sum()).neg());
                return total.div(temps.add(Ops.scalar(total, (float) n)));
        }
    }

    /** Reduces per-sample values (N,) as torch's nll_loss does: mean, sum or none. */
    private NDArray reduce(NDArray perSample, Temps temps) {
        switch (reduction) {
            case NONE:
                return perSample;
            case SUM:
                return temps.add(perSample.sum());
            case MEAN:
            default:
                return temps.add(perSample.mean());
        }
    }

    @Override
    public String toString() {
        return "CrossEntropy[labelSmoothing=" + labelSmoothing + ", reduction=" + reduction + "]";
    }

    /** The temporaries of one call, closed together; {@link #keep} exempts the result. */
    private static final class Temps implements AutoCloseable {
        private final List<NDArray> arrays = new ArrayList<>();
        private final NDManager manager;

        Temps(NDManager manager) {
            this.manager = manager;
        }

        NDArray add(NDArray a) {
            arrays.add(a);
            return a;
        }

        /** Tracks {@code a} unless it is the caller's own {@code original} (a no-op conversion). */
        NDArray add(NDArray original, NDArray a) {
            return a == original ? a : add(a);
        }

        NDArray keep(NDArray a) {
            arrays.removeIf(x -> x == a);
            if (a.getManager() != manager) {
                a.attach(manager);
            }
            return a;
        }

        @Override
        public void close() {
            for (NDArray a : arrays) {
                a.close();
            }
        }
    }

    /** Options of {@link CrossEntropy}. Not thread-safe. */
    public static final class Builder {
        private float labelSmoothing;
        private Reduction reduction = Reduction.MEAN;

        private Builder() {}

        /**
         * Sets the label smoothing (torch's {@code label_smoothing}).
         *
         * @param eps in [0, 1); 0 (the default) disables smoothing
         * @return this builder
         */
        public Builder labelSmoothing(float eps) {
            this.labelSmoothing = eps;
            return this;
        }

        /**
         * Sets the reduction.
         *
         * @param r mean (the default), sum or none
         * @return this builder
         */
        public Builder reduction(Reduction r) {
            this.reduction = r;
            return this;
        }

        /**
         * Builds the loss.
         *
         * @return the loss
         * @throws IllegalArgumentException if an option is invalid (the message names the field and
         *     its value)
         */
        public CrossEntropy build() {
            if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) {
                throw new IllegalArgumentException("labelSmoothing must be in [0, 1): " + labelSmoothing);
            }
            if (reduction == null) {
                throw new IllegalArgumentException("reduction must not be null: null");
            }
            return new CrossEntropy(this);
        }
    }
}
