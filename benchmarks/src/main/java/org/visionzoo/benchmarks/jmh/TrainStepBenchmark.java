package org.visionzoo.benchmarks.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
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
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error"})
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 20)
public class TrainStepBenchmark {

    /** The registered model name. */
    @Param({"resnet18", "densenet121", "mobilenet_v3_large", "efficientnet_b0"})
    public String model;

    /** Images per step. */
    @Param({"32"})
    public int batch;

    /** The square input size. */
    @Param({"224"})
    public int imageSize;

    private Workload workload;

    /** Creates the state (JMH does). */
    public TrainStepBenchmark() {}

    /** Builds the model, the optimizer and the batch, once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        workload = Workload.train(model, batch, imageSize).setUp();
    }

    /**
     * One training step.
     *
     * @param bh consumes the loss
     */
    @Benchmark
    public void step(Blackhole bh) {
        bh.consume(workload.runOnce());
    }

    /** Releases the model, the optimizer and the batch. */
    @TearDown(Level.Trial)
    public void tearDown() {
        workload.close();
    }
}
