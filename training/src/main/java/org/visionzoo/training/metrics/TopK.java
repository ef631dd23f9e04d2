package org.visionzoo.training.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import org.visionzoo.core.model.GradMode;

import java.util.Arrays;

/**
 * Top-k accuracy for one or more k at once (typically top-1 and top-5), accumulated over batches
 * of logits and integer class labels.
 *
 * <p>A sample counts as correct for k when fewer than k classes score strictly higher than its
 * true class. Ties with the true class are therefore resolved in its favour (torch's {@code topk}
 * breaks ties in an unspecified order), and NaN counts as higher than any number, as in torch's
 * sort order: a NaN true-class logit is never correct. A k larger than the number of classes K is
 * rejected, as {@code torch.topk} would fail.
 *
 * <p>Holds only Java counters (no {@code NDArray}); not thread-safe: confine to one thread.
 */
public final class TopK {

    private final int[] ks;
    private final long[] correct;
    private long count;

    private TopK(int[] ks) {
        this.ks = ks;
        this.correct = new long[ks.length];
    }

    /**
     * An accumulator for the given k values.
     *
     * @param ks one or more distinct k &ge; 1
     * @return an empty accumulator
     * @throws IllegalArgumentException if {@code ks} is empty, or has a k &lt; 1 or a duplicate
     */
    public static TopK of(int... ks) {
        if (ks == null || ks.length == 0) {
            throw new IllegalArgumentException("ks must name at least one k");
        }
        int[] copy = ks.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 1) {
                throw new IllegalArgumentException("k must be >= 1: " + copy[i]);
            }
            for (int j = 0; j < i; j++) {
                if (copy[j] == copy[i]) {
                    throw new IllegalArgumentException("duplicate k: " + copy[i]);
                }
            }
        }
        return new TopK(copy);
    }

    /**
     * Top-1 and top-5 accuracy, as reported for ImageNet.
     *
     * @return an empty accumulator for k = 1 and 5
     */
    public static TopK top1Top5() {
        return of(1, 5);
    }

    /**
     * The k values, in the order given.
     *
     * @return a copy of the k values
     */
    public int[] ks() {
        return ks.clone();
    }

    /**
     * Adds a batch.
     *
     * @param logits scores of shape (N, K), floating point; N may be 0
     * @param labels true classes of shape (N,), an integer type, each in [0, K)
     * @throws IllegalArgumentException if a shape or type does not fit, a label is out of range, or
     *     a k exceeds K (nothing is counted then)
     */
    @SuppressWarnings("try")
    public void update(NDArray logits, NDArray labels) {
        long n = Inputs.checkLogits(logits, labels);
        long k = logits.getShape().get(1);
        for (int kk : ks) {
            if (kk > k) {
                throw new IllegalArgumentException("k=" + kk + " exceeds the number of classes K=" + k
                        + " of logits " + logits.getShape() + " (torch.topk would fail)");
            }
        }
        Inputs.classIndices("labels", labels, n, k, "logits", logits);
        if (n == 0) {
            return;
        }
        long[] notHigher;
        try (GradMode off = GradMode.disabled();
                NDArray i64 = labels.toType(DataType.INT64, true);
                NDArray column = i64.reshape(n, 1);
                NDArray target = logits.gather(column, 1);
                NDArray le = logits.lte(target);
                NDArray sum = le.sum(new int[] {1});
                NDArray sum64 = sum.toType(DataType.INT64, true)) {
            notHigher = sum64.toLongArray();
        }
        long[] add = new long[ks.length];
        for (long c : notHigher) {
            long higher = k - c;
            for (int j = 0; j < ks.length; j++) {
                if (higher < ks[j]) {
                    add[j]++;
                }
            }
        }
        for (int j = 0; j < ks.length; j++) {
            correct[j] += add[j];
        }
        count += n;
    }

    /**
     * The number of samples added.
     *
     * @return samples since creation or the last {@link #reset()}
     */
    public long count() {
        return count;
    }

    /**
     * The number of samples correct within the top k.
     *
     * @param k one of {@link #ks()}
     * @return the count of correct samples
     * @throws IllegalArgumentException if k is not tracked
     */
    public long correct(int k) {
        return correct[index(k)];
    }

    /**
     * Top-k accuracy.
     *
     * @param k one of {@link #ks()}
     * @return correct / count in [0, 1], or NaN before any sample
     * @throws IllegalArgumentException if k is not tracked
     */
    public double accuracy(int k) {
        int i = index(k);
        return count == 0 ? Double.NaN : (double) correct[i] / count;
    }

    /** Forgets every sample. */
    public void reset() {
        Arrays.fill(correct, 0L);
        count = 0;
    }

    private int index(int k) {
        for (int i = 0; i < ks.length; i++) {
            if (ks[i] == k) {
                return i;
            }
        }
        throw new IllegalArgumentException("k=" + k + " is not tracked; ks = " + Arrays.toString(ks));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TopK[count=").append(count);
        for (int i = 0; i < ks.length; i++) {
            sb.append(", top").append(ks[i]).append('=').append(correct[i]);
        }
        return sb.append(']').toString();
    }
}
