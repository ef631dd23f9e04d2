/**
 * Benchmarks: what VisionZoo's models cost to run and train, and how that compares with PyTorch.
 *
 * <ul>
 *   <li>{@link org.visionzoo.benchmarks.Workload}: one measured unit (an evaluation forward pass
 *       or a full training step) on a registered model;
 *   <li>{@link org.visionzoo.benchmarks.Bench} with {@link org.visionzoo.benchmarks.BenchOptions}
 *       and {@link org.visionzoo.benchmarks.BenchResult}: times a workload in this process
 *       ({@link org.visionzoo.benchmarks.BenchMain} is its command line);
 *   <li>{@link org.visionzoo.benchmarks.Compare}: the same workloads in PyTorch eager and in
 *       VisionZoo, alternating separate processes, written to {@code docs/benchmarks.md};
 *   <li>{@link org.visionzoo.benchmarks.ChoosingModelDoc}: writes {@code docs/choosing-a-model.md};
 *   <li>{@code org.visionzoo.benchmarks.jmh}: the JMH suites, run from {@code
 *       target/benchmarks.jar}.
 * </ul>
 *
 * <p>See the module's README for the commands.
 */
package org.visionzoo.benchmarks;
