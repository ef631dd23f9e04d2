package org.visionzoo.benchmarks.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
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
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 10)
public class EvalForwardBenchmark extends WorkloadBenchmark {

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

    /** Creates the state (JMH does). */
    public EvalForwardBenchmark() {}

    @Override
    protected Workload workload() {
        return Workload.of(BenchOptions.of(model).withBatch(batch).withImageSize(imageSize)
                .withFoldBatchNorm(fold));
    }

    /**
     * One evaluation forward pass.
     *
     * @param bh consumes the first logit
     */
    @Benchmark
    public void forward(Blackhole bh) {
        bh.consume(runOnce());
    }
}
