/**
 * What a training run reports: a per-epoch {@link org.visionzoo.training.report.MetricsLog} of
 * {@link org.visionzoo.training.report.EpochRecord}s in a JSON Lines file, learning-curve images
 * drawn by {@link org.visionzoo.training.report.CurvePlots}, and a console {@link
 * org.visionzoo.training.report.TrainingProgress} bar per epoch.
 *
 * <p>Files are replaced atomically (written to a temporary file in the same folder, then renamed
 * over the target), so a crash or a reader never sees a half-written log line or image. Read and
 * write failures are thrown as {@link java.io.UncheckedIOException}s whose message names the file.
 */
package org.visionzoo.training.report;
