/**
 * JMH suites over {@link org.visionzoo.benchmarks.Workload}: {@link
 * org.visionzoo.benchmarks.jmh.EvalForwardBenchmark} and {@link
 * org.visionzoo.benchmarks.jmh.TrainStepBenchmark}. Run from {@code benchmarks/target/benchmarks.jar}
 * (see the module's README).
 */
package org.visionzoo.benchmarks.jmh;
