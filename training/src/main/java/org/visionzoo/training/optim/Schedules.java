package org.visionzoo.training.optim;

import java.util.Arrays;

/**
 * Learning-rate schedules matching {@code torch.optim.lr_scheduler} stepped once per iteration,
 * in closed form (they agree with PyTorch's recursive implementations to float precision).
 */
public final class Schedules {

    /** The warmup start factor of {@link #warmupCosine(float, long, long)}. */
    public static final float DEFAULT_WARMUP_START_FACTOR = 0.01f;

    private Schedules() {}

    /**
     * A constant learning rate.
     *
     * @param lr the learning rate, &gt;= 0
     * @return the schedule
     */
    public static LrSchedule constant(float lr) {
        requireLr(lr, "lr");
        return it -> {
            requireIteration(it);
            return lr;
        };
    }

    /**
     * {@code StepLR(step_size, gamma)}: {@code baseLr * gamma^(iteration / stepSize)}.
     *
     * @param baseLr the initial learning rate
     * @param stepSize iterations between decays, &gt; 0
     * @param gamma the decay factor, &gt; 0
     * @return the schedule
     */
    public static LrSchedule step(float baseLr, long stepSize, float gamma) {
        requireLr(baseLr, "baseLr");
        if (stepSize <= 0) {
            throw new IllegalArgumentException("stepSize must be > 0: " + stepSize);
        }
        requirePositive(gamma, "gamma");
        return it -> {
            requireIteration(it);
            return (float) (baseLr * Math.pow(gamma, (double) (it / stepSize)));
        };
    }

    /**
     * {@code MultiStepLR(milestones, gamma)}: {@code baseLr * gamma^k}, {@code k} the number of
     * milestones &lt;= the iteration.
     *
     * @param baseLr the initial learning rate
     * @param milestones iterations at which the learning rate decays (any order; a repeated
     *     milestone decays once per occurrence, as in PyTorch)
     * @param gamma the decay factor, &gt; 0
     * @return the schedule
     */
    public static LrSchedule multiStep(float baseLr, long[] milestones, float gamma) {
        requireLr(baseLr, "baseLr");
        requirePositive(gamma, "gamma");
        long[] sorted = milestones.clone();
        Arrays.sort(sorted);
        for (long m : sorted) {
            if (m < 0) {
                throw new IllegalArgumentException("milestones must be >= 0: " + m);
            }
        }
        return it -> {
            requireIteration(it);
            int k = 0;
            while (k < sorted.length && sorted[k] <= it) {
                k++;
            }
            return (float) (baseLr * Math.pow(gamma, k));
        };
    }

    /**
     * Linear warmup then cosine decay with {@link #DEFAULT_WARMUP_START_FACTOR} and a final
     * learning rate of 0; see {@link #warmupCosine(float, long, long, float, float)}.
     *
     * @param baseLr the peak learning rate
     * @param warmupIters iterations of linear warmup, &gt;= 0
     * @param totalIters all iterations, &gt; warmupIters
     * @return the schedule
     */
    public static LrSchedule warmupCosine(float baseLr, long warmupIters, long totalIters) {
        return warmupCosine(baseLr, warmupIters, totalIters, 0f, DEFAULT_WARMUP_START_FACTOR);
    }

    /**
     * {@code SequentialLR([LinearLR(start_factor, total_iters=warmupIters),
     * CosineAnnealingLR(T_max=totalIters - warmupIters, eta_min=minLr)], milestones=[warmupIters])}
     * (torchvision's reference recipe with {@code --lr-warmup-method linear}): from {@code baseLr
     * * warmupStartFactor} linearly towards {@code baseLr}, then from {@code baseLr} down to
     * {@code minLr} at {@code totalIters} along a half cosine (beyond that the cosine continues,
     * as in PyTorch).
     *
     * @param baseLr the peak learning rate
     * @param warmupIters iterations of linear warmup, &gt;= 0 (0: cosine only)
     * @param totalIters all iterations, &gt; warmupIters
     * @param minLr the final learning rate, &gt;= 0
     * @param warmupStartFactor the first iteration's fraction of {@code baseLr}, in (0, 1]
     * @return the schedule
     */
    public static LrSchedule warmupCosine(
            float baseLr, long warmupIters, long totalIters, float minLr, float warmupStartFactor) {
        requireLr(baseLr, "baseLr");
        requireLr(minLr, "minLr");
        if (warmupIters < 0 || totalIters <= warmupIters) {
            throw new IllegalArgumentException("need 0 <= warmupIters < totalIters: warmupIters="
                    + warmupIters + ", totalIters=" + totalIters);
        }
        if (!(warmupStartFactor > 0f && warmupStartFactor <= 1f)) {
            throw new IllegalArgumentException(
                    "warmupStartFactor must be in (0, 1]: " + warmupStartFactor);
        }
        long tMax = totalIters - warmupIters;
        return it -> {
            requireIteration(it);
            if (it < warmupIters) {
                double f = warmupStartFactor + (1.0 - warmupStartFactor) * it / warmupIters;
                return (float) (baseLr * f);
            }
            long j = it - warmupIters;
            return (float) (minLr + (baseLr - (double) minLr) * (1 + Math.cos(Math.PI * j / tMax)) / 2);
        };
    }

    /**
     * {@code OneCycleLR(max_lr, total_steps, pct_start, anneal_strategy='cos', div_factor,
     * final_div_factor, three_phase=False)}, learning rate only (no momentum cycling): cosine
     * from {@code maxLr / divFactor} up to {@code maxLr} until iteration {@code pctStart *
     * totalSteps - 1}, then cosine down to {@code maxLr / divFactor / finalDivFactor} at {@code
     * totalSteps - 1}.
     *
     * @param maxLr the peak learning rate
     * @param totalSteps the number of iterations, &gt; 0
     * @param pctStart the fraction of iterations spent increasing, in [0, 1]
     * @param divFactor initial lr = maxLr / divFactor
     * @param finalDivFactor final lr = initial lr / finalDivFactor
     * @return the schedule; asking for an iteration past {@code totalSteps} throws, as PyTorch does
     */
    public static LrSchedule oneCycle(
            float maxLr, long totalSteps, float pctStart, float divFactor, float finalDivFactor) {
        requireLr(maxLr, "maxLr");
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be > 0: " + totalSteps);
        }
        if (!(pctStart >= 0f && pctStart <= 1f)) {
            throw new IllegalArgumentException("pctStart must be in [0, 1]: " + pctStart);
        }
        requirePositive(divFactor, "divFactor");
        requirePositive(finalDivFactor, "finalDivFactor");
        double initial = (double) maxLr / divFactor;
        double min = initial / finalDivFactor;
        double end1 = (double) pctStart * totalSteps - 1;
        double end2 = totalSteps - 1;
        return it -> {
            requireIteration(it);
            if (it > totalSteps) {
                throw new IllegalArgumentException("iteration " + it
                        + " is past the OneCycle schedule's totalSteps " + totalSteps);
            }
            if (it <= end1) {
                return (float) cos(initial, maxLr, it / end1);
            }
            return (float) cos(maxLr, min, (it - end1) / (end2 - end1));
        };
    }

    /**
     * {@link #oneCycle(float, long, float, float, float)} with PyTorch's defaults: pctStart 0.3,
     * divFactor 25, finalDivFactor 1e4.
     *
     * @param maxLr the peak learning rate
     * @param totalSteps the number of iterations
     * @return the schedule
     */
    public static LrSchedule oneCycle(float maxLr, long totalSteps) {
        return oneCycle(maxLr, totalSteps, 0.3f, 25f, 1e4f);
    }

    private static double cos(double start, double end, double pct) {
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }

    private static void requireLr(float lr, String name) {
        if (!(lr >= 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0: " + lr);
        }
    }

    private static void requirePositive(float v, String name) {
        if (!(v > 0f) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0: " + v);
        }
    }

    private static void requireIteration(long it) {
        if (it < 0) {
            throw new IllegalArgumentException("iteration must be >= 0: " + it);
        }
    }
}
