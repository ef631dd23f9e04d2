package org.visionzoo.training.recipe;

import org.visionzoo.training.loop.ScheduleFactory;
import org.visionzoo.training.loop.TrainerConfig;
import org.visionzoo.training.loss.CrossEntropy;
import org.visionzoo.training.optim.AdamW;
import org.visionzoo.training.optim.Optimizer;
import org.visionzoo.training.optim.ParamGroup;
import org.visionzoo.training.optim.Sgd;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a classifier is trained: the optimizer and its hyper-parameters, the learning-rate schedule
 * and the loss's label smoothing, with the defaults {@code zoo train} uses. {@link
 * #applyTo(TrainerConfig.Builder)} sets them on a trainer; the {@code with...} methods return a
 * changed copy.
 *
 * <pre>{@code
 * Recipe recipe = Recipe.cifarResNet().withLr(0.05f);
 * try (Trainer t = recipe.applyTo(Trainer.builder(model)).epochs(30).seed(5).build()) { ... }
 * }</pre>
 *
 * @param optimizer the optimizer
 * @param lr the peak learning rate, {@code > 0}
 * @param weightDecay the weight decay of convolution and linear weights (batch-norm and bias
 *     parameters get none), {@code >= 0}
 * @param momentum SGD's momentum, in {@code [0, 1)} (AdamW ignores it)
 * @param nesterov Nesterov momentum for SGD (used only with a momentum above 0)
 * @param schedule the learning-rate schedule
 * @param warmupEpochs the linear warmup of the cosine schedule, in epochs, {@code >= 0}
 * @param labelSmoothing the loss's label smoothing, in {@code [0, 1)}
 */
public record Recipe(
        OptimizerName optimizer,
        float lr,
        float weightDecay,
        float momentum,
        boolean nesterov,
        ScheduleName schedule,
        double warmupEpochs,
        float labelSmoothing) {

    /** Checks every field; each message names it and echoes the value. */
    public Recipe {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        if (!(lr > 0 && Float.isFinite(lr))) {
            throw new IllegalArgumentException("lr must be > 0, got " + lr);
        }
        if (!(weightDecay >= 0 && Float.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weightDecay must be a finite number >= 0, got " + weightDecay);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(warmupEpochs >= 0) || Double.isInfinite(warmupEpochs)) {
            throw new IllegalArgumentException("warmupEpochs must be a finite number >= 0, got " + warmupEpochs);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
    }

    /**
     * The defaults of {@code zoo train} for an optimizer: SGD with learning rate 0.1, weight decay
     * 5e-4, Nesterov momentum 0.9; AdamW with learning rate 0.001, weight decay 0.05; both with
     * the cosine schedule, no warmup, no label smoothing.
     *
     * @param optimizer the optimizer
     * @return the recipe
     */
    public static Recipe defaults(OptimizerName optimizer) {
        return switch (optimizer) {
            case SGD -> new Recipe(optimizer, 0.1f, 5e-4f, 0.9f, true, ScheduleName.COSINE, 0, 0f);
            case ADAMW -> new Recipe(optimizer, 1e-3f, 0.05f, 0.9f, true, ScheduleName.COSINE, 0, 0f);
        };
    }

    /**
     * The CIFAR ResNet recipe of {@code zoo demo} and of the resnet20 figures in the training
     * guide: SGD, Nesterov momentum 0.9, learning rate 0.1, weight decay 5e-4 on the weights only,
     * cosine decay per iteration (He et al.'s CIFAR ResNets, with cosine for the step schedule).
     *
     * @return the recipe
     */
    public static Recipe cifarResNet() {
        return defaults(OptimizerName.SGD);
    }

    /**
     * A fine-tuning recipe for a pretrained backbone: AdamW, learning rate 0.001, weight decay
     * 0.05, cosine decay.
     *
     * @return the recipe
     */
    public static Recipe fineTune() {
        return defaults(OptimizerName.ADAMW);
    }

    /**
     * A copy with another learning rate.
     *
     * @param value the peak learning rate
     * @return the copy
     */
    public Recipe withLr(float value) {
        return new Recipe(optimizer, value, weightDecay, momentum, nesterov, schedule, warmupEpochs, labelSmoothing);
    }

    /**
     * A copy with another weight decay.
     *
     * @param value the weight decay
     * @return the copy
     */
    public Recipe withWeightDecay(float value) {
        return new Recipe(optimizer, lr, value, momentum, nesterov, schedule, warmupEpochs, labelSmoothing);
    }

    /**
     * A copy with another SGD momentum and Nesterov setting.
     *
     * @param value the momentum
     * @param useNesterov whether to use Nesterov momentum
     * @return the copy
     */
    public Recipe withMomentum(float value, boolean useNesterov) {
        return new Recipe(optimizer, lr, weightDecay, value, useNesterov, schedule, warmupEpochs, labelSmoothing);
    }

    /**
     * A copy with another schedule.
     *
     * @param value the schedule
     * @param warmup the cosine schedule's warmup in epochs
     * @return the copy
     */
    public Recipe withSchedule(ScheduleName value, double warmup) {
        return new Recipe(optimizer, lr, weightDecay, momentum, nesterov, value, warmup, labelSmoothing);
    }

    /**
     * A copy with another label smoothing.
     *
     * @param value the label smoothing
     * @return the copy
     */
    public Recipe withLabelSmoothing(float value) {
        return new Recipe(optimizer, lr, weightDecay, momentum, nesterov, schedule, warmupEpochs, value);
    }

    /**
     * Makes the optimizer from the parameter groups (which carry the weight decay).
     *
     * @return the factory
     */
    public Function<List<ParamGroup>, Optimizer> optimizerFactory() {
        return switch (optimizer) {
            case SGD -> g -> Sgd.builder().momentum(momentum).nesterov(nesterov && momentum > 0).build(g);
            case ADAMW -> g -> AdamW.builder().build(g);
        };
    }

    /**
     * The learning-rate schedule's factory.
     *
     * @return the factory
     */
    public ScheduleFactory scheduleFactory() {
        return schedule.factory(lr, warmupEpochs);
    }

    /**
     * The training loss: cross-entropy with the label smoothing.
     *
     * @return the loss
     */
    public CrossEntropy loss() {
        return CrossEntropy.builder().labelSmoothing(labelSmoothing).build();
    }

    /**
     * Sets the optimizer, the weight decay, the schedule and the loss on a trainer's builder.
     *
     * @param builder the builder
     * @return the builder
     */
    public TrainerConfig.Builder applyTo(TrainerConfig.Builder builder) {
        return builder.optimizer(optimizerFactory()).weightDecay(weightDecay).schedule(scheduleFactory()).loss(loss());
    }
}
