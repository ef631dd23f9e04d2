package org.visionzoo.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import org.visionzoo.core.model.GradMode;
import org.visionzoo.core.weights.StateDict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An exponential moving average of a model's weights, running statistics included, with the
 * semantics of torchvision's {@code ExponentialMovingAverage} ({@code AveragedModel} with {@code
 * use_buffers=True}): the first {@link #update} copies the weights, each later one computes
 * {@code ema = decay * ema + (1 - decay) * weight}.
 *
 * <p>The average lives in its own arrays, on the model's device; {@link #applyTo} swaps it into
 * the model for an evaluation and swaps the training weights back on close.
 *
 * <pre>{@code
 * Ema ema = new Ema(model, 0.999f);
 * // after each optimizer step:
 * ema.update();
 * // to evaluate on the average:
 * try (Ema.Swap swap = ema.applyTo()) { ... }
 * }</pre>
 */
@SuppressWarnings("try") // GradMode handles only restore the mode on close
public final class Ema implements AutoCloseable {

    private final Map<String, Parameter> params;
    private final NDManager manager;
    private final Map<String, NDArray> average = new LinkedHashMap<>();
    private final float decay;
    private long updates;
    private boolean swapped;

    /**
     * Starts an average of a model's current and future weights (nothing is copied until the
     * first {@link #update}).
     *
     * @param model an initialised model, whose parameters keep their identity while training
     * @param decay the weight of the old average, in {@code [0, 1)}
     * @throws IllegalArgumentException if {@code decay} is outside {@code [0, 1)}
     */
    public Ema(Block model, float decay) {
        Objects.requireNonNull(model, "model");
        if (!(decay >= 0f && decay < 1f)) {
            throw new IllegalArgumentException("decay must be in [0, 1), got " + decay);
        }
        this.params = StateDict.parameters(model);
        this.decay = decay;
        NDManager owner = params.values().iterator().next().getArray().getManager();
        this.manager = owner.newSubManager();
    }

    /**
     * The decay.
     *
     * @return the weight of the old average
     */
    public float decay() {
        return decay;
    }

    /**
     * The number of updates so far (torch's {@code n_averaged}).
     *
     * @return the update count
     */
    public long updates() {
        return updates;
    }

    /**
     * Folds the model's current weights into the average; call after each optimizer step.
     *
     * @throws IllegalStateException while the average is swapped into the model
     */
    public void update() {
        requireNotSwapped();
        GradMode mode = GradMode.disabled();
        try {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray w = e.getValue().getArray();
                NDArray avg = average.get(e.getKey());
                if (avg == null) {
                    avg = w.duplicate();
                    avg.attach(manager);
                    average.put(e.getKey(), avg);
                } else if (updates == 0) {
                    avg.set(new NDIndex(":"), w);
                } else {
                    // avg += (1 - decay) * (w - avg): torch's lerp, one temporary
                    try (NDArray diff = w.sub(avg)) {
                        diff.muli(1f - decay);
                        avg.addi(diff);
                    }
                }
            }
        } finally {
            mode.close();
        }
        updates++;
    }

    /**
     * Copies the average into the model until the returned swap is closed, which puts the
     * training weights back. Not nested: one swap at a time.
     *
     * @return the swap to close
     * @throws IllegalStateException if nothing was averaged yet or a swap is open
     */
    public Swap applyTo() {
        requireNotSwapped();
        if (updates == 0) {
            throw new IllegalStateException("the EMA has no average yet: call update() first");
        }
        exchange();
        swapped = true;
        return new Swap();
    }

    /**
     * The average's arrays by {@code state_dict} key (live: read or copy, never close), empty
     * before the first update.
     *
     * @return key to array, in the model's order
     */
    public Map<String, NDArray> state() {
        return Collections.unmodifiableMap(average);
    }

    /**
     * Restores an average saved from {@link #state()} and {@link #updates()}. Values are copied.
     *
     * @param state the arrays by key: every key of the model when {@code updates > 0}, none
     *     otherwise
     * @param updates the update count to restore
     * @throws IllegalArgumentException naming the keys if keys are missing or unknown or a shape
     *     differs
     */
    public void loadState(Map<String, NDArray> state, long updates) {
        requireNotSwapped();
        if (updates < 0) {
            throw new IllegalArgumentException("updates must be at least 0, got " + updates);
        }
        Set<String> expected = updates == 0 ? Set.of() : params.keySet();
        if (!state.keySet().equals(expected)) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(state.keySet());
            Set<String> unknown = new TreeSet<>(state.keySet());
            unknown.removeAll(expected);
            throw new IllegalArgumentException("EMA state does not fit the model: missing "
                    + missing + ", unknown " + unknown);
        }
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            NDArray w = params.get(e.getKey()).getArray();
            if (!w.getShape().equals(e.getValue().getShape())) {
                throw new IllegalArgumentException("EMA state " + e.getKey() + " has shape "
                        + e.getValue().getShape() + ", the model's is " + w.getShape());
            }
        }
        GradMode mode = GradMode.disabled();
        try {
            for (Map.Entry<String, NDArray> e : state.entrySet()) {
                NDArray avg = average.get(e.getKey());
                if (avg == null) {
                    avg = params.get(e.getKey()).getArray().duplicate();
                    avg.attach(manager);
                    average.put(e.getKey(), avg);
                }
                NDArray src = e.getValue().toDevice(avg.getDevice(), false);
                avg.set(new NDIndex(":"), src);
                if (src != e.getValue()) {
                    src.close();
                }
            }
        } finally {
            mode.close();
        }
        this.updates = updates;
    }

    /** Frees the average. */
    @Override
    public void close() {
        manager.close();
        average.clear();
    }

    private void exchange() {
        GradMode mode = GradMode.disabled();
        try {
            for (Map.Entry<String, NDArray> e : average.entrySet()) {
                NDArray w = params.get(e.getKey()).getArray();
                NDArray avg = e.getValue();
                try (NDArray tmp = w.duplicate()) {
                    w.set(new NDIndex(":"), avg);
                    avg.set(new NDIndex(":"), tmp);
                }
            }
        } finally {
            mode.close();
        }
    }

    private void requireNotSwapped() {
        if (swapped) {
            throw new IllegalStateException("the EMA weights are swapped into the model: close the swap first");
        }
    }

    /** The average swapped into the model; closing it restores the training weights. */
    public final class Swap implements AutoCloseable {
        private boolean open = true;

        private Swap() {}

        @Override
        public void close() {
            if (open) {
                open = false;
                exchange();
                swapped = false;
            }
        }
    }
}
