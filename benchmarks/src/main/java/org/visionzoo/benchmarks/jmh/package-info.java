/**
 * JMH suites over {@link org.visionzoo.benchmarks.Workload}: {@link
 * org.visionzoo.benchmarks.jmh.EvalForwardBenchmark} and {@link
 * org.visionzoo.benchmarks.jmh.TrainStepBenchmark}, on the state and settings of {@link
 * org.visionzoo.benchmarks.jmh.WorkloadBenchmark}. Run from {@code benchmarks/target/benchmarks.jar}
 * (see the module's README).
 */
package org.visionzoo.benchmarks.jmh;
