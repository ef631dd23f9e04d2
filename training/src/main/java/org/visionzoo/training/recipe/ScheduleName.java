package org.visionzoo.training.recipe;

import org.visionzoo.training.loop.ScheduleFactory;
import org.visionzoo.training.optim.Schedules;

import java.util.List;

/** The learning-rate schedules a {@link Recipe} names, all stepped per iteration. */
public enum ScheduleName implements CommandLineName {
    /** Linear warmup over the recipe's warmup epochs, then cosine decay to 0 ({@link Schedules#warmupCosine}). */
    COSINE,
    /** The learning rate times 0.1 after each third of the run ({@link Schedules#step}). */
    STEP,
    /** The one-cycle policy over the run ({@link Schedules#oneCycle}). */
    ONECYCLE,
    /** The learning rate throughout ({@link Schedules#constant}). */
    CONSTANT;

    /**
     * Every name, in order.
     *
     * @return the ids
     */
    public static List<String> ids() {
        return EnumIds.ids(values());
    }

    /**
     * Parses a name, in any case.
     *
     * @param text the name
     * @return the schedule
     * @throws IllegalArgumentException naming the accepted names
     */
    public static ScheduleName parse(String text) {
        return EnumIds.parse(values(), "schedule", text);
    }

    /**
     * The schedule's factory for a peak learning rate.
     *
     * @param lr the peak learning rate
     * @param warmupEpochs the linear warmup of {@link #COSINE}, in epochs (may be fractional)
     * @return the factory, made into a schedule once the iteration counts are known
     */
    public ScheduleFactory factory(float lr, double warmupEpochs) {
        return switch (this) {
            case COSINE -> (perEpoch, total) -> Schedules.warmupCosine(lr, Math.round(warmupEpochs * perEpoch), total);
            case STEP -> (perEpoch, total) -> Schedules.step(lr, Math.max(1, total / 3), 0.1f);
            case ONECYCLE -> (perEpoch, total) -> Schedules.oneCycle(lr, total);
            case CONSTANT -> (perEpoch, total) -> Schedules.constant(lr);
        };
    }
}
