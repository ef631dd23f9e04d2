/**
 * Benchmarks: JMH suites and the PyTorch comparison.
 *
 * <p>Not implemented yet: this module is a placeholder in the build so that the layout is fixed from
 * the start.
 */
package org.visionzoo.benchmarks;
