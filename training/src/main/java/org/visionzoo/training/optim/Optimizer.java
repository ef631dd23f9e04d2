package org.visionzoo.training.optim;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * An optimizer with PyTorch's semantics, updating DJL parameters in place from their gradients.
 *
 * <p>Use: after the backward pass, {@code step(schedule.lr(iteration))}; before the next one,
 * {@link #zeroGrad()} (DJL's PyTorch engine accumulates gradients across backward passes).
 * Parameters are read from {@link ParamGroup}s; a parameter whose gradient was never computed
 * counts as having a zero gradient (PyTorch would skip it). Not thread-safe.
 */
public interface Optimizer extends AutoCloseable {

    /**
     * Performs one update with the given learning rate (grad mode off, in place).
     *
     * @param lr this iteration's learning rate
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    void step(float lr);

    /**
     * Sets every parameter's gradient to zero, in place (by multiplying with zero: DJL's API has no
     * in-place fill, so a NaN or infinite gradient stays NaN).
     */
    void zeroGrad();

    /**
     * The number of completed {@link #step} calls (restored by {@link #loadState}).
     *
     * @return the step count
     */
    int stepCount();

    /**
     * The optimizer's buffers, keyed {@code <parameter key>.<buffer>} ({@code
     * layer1.0.conv1.weight.momentum_buffer}, {@code .exp_avg}, {@code .exp_avg_sq}, {@code
     * .max_exp_avg_sq}), PyTorch's names. Buffers are created on the first step, so the map is
     * empty before it. The arrays are the live buffers: read or copy them, never close them.
     *
     * @return key to buffer (unmodifiable, in parameter order)
     */
    Map<String, NDArray> state();

    /**
     * Restores buffers and step count saved from {@link #state()} and {@link #stepCount()} of an
     * optimizer of the same kind and options over parameters with the same names. Values are
     * copied in place (the given arrays are not retained).
     *
     * @param state key to buffer: exactly the keys this optimizer would hold after {@code step}
     *     steps (none when {@code step == 0})
     * @param step the step count to restore
     * @throws IllegalArgumentException naming the offending keys if keys are missing or unknown or
     *     a shape differs, or if {@code step} is negative
     */
    void loadState(Map<String, NDArray> state, int step);

    /**
     * Closes the optimizer's buffers (not the parameters). The optimizer must not be used after.
     */
    @Override
    void close();
}
