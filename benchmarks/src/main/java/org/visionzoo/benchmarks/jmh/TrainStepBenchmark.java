package org.visionzoo.benchmarks.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.visionzoo.benchmarks.Workload;

/**
 * One full training step: forward in training mode, cross-entropy, backward, SGD (momentum 0.9, lr
 * 0.01) and zeroing of the gradients. The score is milliseconds per step; images/s = {@code batch *
 * 1000 / score}.
 *
 * <p>The model, the optimizer and the random batch and labels are built once per trial; every
 * array a step creates is released before it returns; the step's loss goes to the {@link
 * Blackhole}. Steps keep updating the same model, as training does.
 */
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 20)
public class TrainStepBenchmark extends WorkloadBenchmark {

    /** The registered model name. */
    @Param({"resnet18", "densenet121", "mobilenet_v3_large", "efficientnet_b0"})
    public String model;

    /** Images per step. */
    @Param({"32"})
    public int batch;

    /** The square input size. */
    @Param({"224"})
    public int imageSize;

    /** Creates the state (JMH does). */
    public TrainStepBenchmark() {}

    @Override
    protected Workload workload() {
        return Workload.train(model, batch, imageSize);
    }

    /**
     * One training step.
     *
     * @param bh consumes the loss
     */
    @Benchmark
    public void step(Blackhole bh) {
        bh.consume(runOnce());
    }
}
