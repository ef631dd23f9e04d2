package org.visionzoo.training.optim;

/**
 * A learning rate per iteration, stepped every iteration (not every epoch). See {@link
 * Schedules}.
 */
@FunctionalInterface
public interface LrSchedule {

    /**
     * The learning rate of an iteration: the value PyTorch's scheduler gives the optimizer after
     * {@code iteration} calls of {@code scheduler.step()}.
     *
     * @param iteration the 0-based iteration
     * @return its learning rate
     */
    float lr(long iteration);
}
