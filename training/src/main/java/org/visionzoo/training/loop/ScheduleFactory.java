package org.visionzoo.training.loop;

import org.visionzoo.training.optim.LrSchedule;

/**
 * Makes a run's learning-rate schedule once the number of iterations is known (it depends on the
 * data's size and the batch size). For example {@code (perEpoch, total) ->
 * Schedules.warmupCosine(0.1f, perEpoch, total)}.
 */
@FunctionalInterface
public interface ScheduleFactory {

    /**
     * Creates the schedule.
     *
     * @param iterationsPerEpoch optimizer steps in one epoch
     * @param totalIterations optimizer steps in the whole run
     * @return the schedule, indexed by global step
     */
    LrSchedule create(long iterationsPerEpoch, long totalIterations);
}
