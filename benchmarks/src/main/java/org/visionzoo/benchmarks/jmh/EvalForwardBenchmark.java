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
import org.visionzoo.benchmarks.BenchOptions;
import org.visionzoo.benchmarks.Workload;

/**
 * Evaluation forward pass ({@code Inference.logits}) per model, batch size and image size. The
 * score is milliseconds per batch; images/s = {@code batch * 1000 / score}.
 *
 * <p>The model and its random batch are built once per trial (one fork per parameter set); the
 * measured method does one forward pass, whose arrays are all released before it returns, and
 * hands a value of it to the {@link Blackhole}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 10)
public class EvalForwardBenchmark {

    /** The registered model name. */
    @Param({"resnet18", "resnet50", "densenet121", "mobilenet_v3_large", "efficientnet_b0"})
    public String model;

    /** Images per forward pass. */
    @Param({"1", "32"})
    public int batch;

    /** The square input size. */
    @Param({"224"})
    public int imageSize;

    /** Fold the batch norms into the convolutions first ({@code optimizeForInference}). */
    @Param({"true"})
    public boolean fold;

    private Workload workload;

    /** Creates the state (JMH does). */
    public EvalForwardBenchmark() {}

    /** Builds the model and draws the batch, once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        workload = Workload.of(BenchOptions.of(model).withBatch(batch).withImageSize(imageSize)
                .withFoldBatchNorm(fold)).setUp();
    }

    /**
     * One evaluation forward pass.
     *
     * @param bh consumes the first logit
     */
    @Benchmark
    public void forward(Blackhole bh) {
        bh.consume(workload.runOnce());
    }

    /** Releases the model and the batch. */
    @TearDown(Level.Trial)
    public void tearDown() {
        workload.close();
    }
}
