package org.visionzoo.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.SplittableRandom;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.MemoryFormat;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;
import org.visionzoo.training.loss.CrossEntropy;
import org.visionzoo.training.optim.Optimizer;
import org.visionzoo.training.optim.ParamGroups;
import org.visionzoo.training.optim.Sgd;

/**
 * One measured unit of work on a registered model: an evaluation forward pass or a full training
 * step, on a random batch drawn once per {@link #setUp()} (a JMH trial).
 *
 * <pre>{@code
 * try (Workload w = Workload.eval("resnet50", 32, 224)) {
 *     w.setUp();
 *     float check = w.runOnce();   // one timed unit
 * }
 * }</pre>
 *
 * <ul>
 *   <li>eval: {@link Inference#logits} (grad mode off, intermediates released);
 *   <li>train: forward in training mode, cross-entropy, backward, SGD (momentum {@value #MOMENTUM},
 *       lr {@value #LR}, no weight decay) step and zeroing of the gradients: the step of the
 *       project's trainer, on one device.
 * </ul>
 *
 * <p>Inputs have 3 channels and labels the model's default class count. Every array that one
 * {@link #runOnce()} creates is closed before it returns, so memory stays flat over iterations.
 * Not thread-safe.
 */
public final class Workload implements AutoCloseable {

    /** The SGD learning rate of the training step. */
    public static final float LR = 0.01f;

    /** The SGD momentum of the training step. */
    public static final float MOMENTUM = 0.9f;

    /** The seed of the inputs and labels. */
    public static final long SEED = 42;

    private final BenchOptions options;

    private NDManager manager;
    private ImageClassifier net;
    private NDArray input;
    private NDArray labels;
    private Optimizer optimizer;
    private CrossEntropy loss;

    private Workload(BenchOptions o) {
        ModelSpec spec = Models.spec(o.model());
        this.options = new BenchOptions(spec.name(), o.batch(), o.imageSize() > 0 ? o.imageSize() : spec.imageSize(),
                o.train(), o.iterations(), o.warmup(), o.threads(), o.foldBatchNorm() && !o.train(), o.channelsLast());
    }

    /**
     * An evaluation forward pass of the model with its batch norms folded ({@link
     * ImageClassifier#optimizeForInference()}), as a serving application runs it.
     *
     * @param model a registered model name
     * @param batch the batch size
     * @param imageSize the square input size (0: the model's default)
     * @return the workload, not set up yet
     * @throws IllegalArgumentException for an unknown model or a bad size
     */
    public static Workload eval(String model, int batch, int imageSize) {
        return of(BenchOptions.of(model).withBatch(batch).withImageSize(imageSize));
    }

    /**
     * A full training step.
     *
     * @param model a registered model name
     * @param batch the batch size
     * @param imageSize the square input size (0: the model's default)
     * @return the workload, not set up yet
     * @throws IllegalArgumentException for an unknown model or a bad size
     */
    public static Workload train(String model, int batch, int imageSize) {
        return of(BenchOptions.of(model).withBatch(batch).withImageSize(imageSize).withTrain(true));
    }

    /**
     * The workload that options describe.
     *
     * @param o the options
     * @return the workload, not set up yet
     */
    public static Workload of(BenchOptions o) {
        return new Workload(o);
    }

    /**
     * Builds and initialises the model and draws the batch (and, for training, the labels and the
     * optimizer). Call once before {@link #runOnce()}.
     *
     * @return this
     * @throws IllegalStateException if already set up
     */
    public Workload setUp() {
        if (manager != null) {
            throw new IllegalStateException("already set up");
        }
        ModelSpec spec = Models.spec(options.model());
        manager = Engine.getInstance().newBaseManager();
        net = spec.create(spec.numClasses(), 3).initialize(manager, options.imageSize());
        net.memoryFormat(options.channelsLast() ? MemoryFormat.AUTO : MemoryFormat.CONTIGUOUS);
        if (options.foldBatchNorm()) {
            net.optimizeForInference();
        }
        int batch = options.batch();
        int size = options.imageSize();
        SplittableRandom random = new SplittableRandom(SEED);
        float[] pixels = new float[batch * 3 * size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) gaussian(random);
        }
        input = manager.create(pixels, new Shape(batch, 3, size, size));
        if (options.train()) {
            int[] y = new int[batch];
            for (int i = 0; i < batch; i++) {
                y[i] = random.nextInt(spec.numClasses());
            }
            labels = manager.create(y);
            loss = CrossEntropy.create();
            optimizer = Sgd.builder().momentum(MOMENTUM).build(ParamGroups.defaultGroups(net, 0f));
        }
        return this;
    }

    /**
     * Runs one unit: a forward pass, or a training step.
     *
     * @return a value that depends on the computation (the first logit, or the step's loss), for
     *     a benchmark to consume
     * @throws IllegalStateException if not set up
     */
    public float runOnce() {
        if (manager == null) {
            throw new IllegalStateException("call setUp() first");
        }
        try (NDManager scope = manager.newSubManager()) {
            // Results belong to the manager of their first operand: lending the batch to the
            // scope makes everything this call creates the scope's, freed when it closes.
            input.tempAttach(scope);
            if (!options.train()) {
                NDArray logits = Inference.logits(net, input);
                return logits.getFloat(0, 0);
            }
            labels.tempAttach(scope);
            float value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = net.forward(new ParameterStore(scope, false), new NDList(input), true)
                        .singletonOrThrow();
                NDArray l = loss.compute(logits, labels);
                value = l.getFloat();
                gc.backward(l);
            }
            optimizer.step(LR);
            optimizer.zeroGrad();
            return value;
        }
    }

    /**
     * What this workload runs: the options it was made from with the model's registered name, the
     * image size resolved and no batch-norm folding for training.
     *
     * @return the options
     */
    public BenchOptions options() {
        return options;
    }

    /** Closes the optimizer, the model's parameters and the batch. */
    @Override
    public void close() {
        if (optimizer != null) {
            optimizer.close();
            optimizer = null;
        }
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
