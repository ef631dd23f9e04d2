package org.visionzoo.benchmarks.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.visionzoo.benchmarks.Workload;

/**
 * What the suites share: milliseconds per unit of a {@link Workload}, one fork per parameter set
 * (offline DJL, 2 intra-op threads, quiet logging), the workload built once per trial and released
 * after it. A subclass names its parameters, says which workload they describe, and runs {@link
 * #runOnce()} in its {@code @Benchmark} method.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error"})
public abstract class WorkloadBenchmark {

    private Workload workload;

    /** Creates the state (JMH does, through a subclass). */
    protected WorkloadBenchmark() {}

    /**
     * The workload this trial's parameters describe.
     *
     * @return the workload, not set up yet
     */
    protected abstract Workload workload();

    /** Builds the workload (model, batch and, for training, the optimizer), once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        workload = workload().setUp();
    }

    /**
     * One unit of the workload.
     *
     * @return a value of the computation, for the {@code Blackhole}
     */
    protected float runOnce() {
        return workload.runOnce();
    }

    /** Releases the workload. */
    @TearDown(Level.Trial)
    public void tearDown() {
        workload.close();
    }
}
