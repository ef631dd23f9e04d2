package org.visionzoo.benchmarks;

import ai.djl.ndarray.NDManager;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;
import org.visionzoo.onnx.OnnxExport;
import org.visionzoo.onnx.OnnxPredictor;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The ONNX Runtime column: the evaluation workload of {@link Bench} (random batch drawn with
 * {@link Workload#SEED}, warm-up, then each iteration timed) run by {@link OnnxPredictor}, either
 * on an ONNX file (any exporter's, e.g. {@code torch.onnx.export}'s, so that graphs can be
 * compared in the same runtime) or on the model exported in memory by {@link OnnxExport}.
 *
 * <p>Measure files in a process of their own: exporting in memory loads the PyTorch engine to build
 * the model, and its memory then counts in the peak RSS.
 */
public final class OnnxBench {

    private OnnxBench() {}

    /**
     * Runs the benchmark.
     *
     * @param o what to measure (evaluation only; {@code threads} is ONNX Runtime's intra-op count)
     * @param onnxFile an ONNX file whose input is {@code (N, C, S, S)}, or null to export the
     *     registered model (random weights) in memory
     * @return the result, in {@link BenchResult}'s format
     * @throws IllegalArgumentException for a training benchmark
     */
    public static BenchResult run(BenchOptions o, Path onnxFile) {
        if (o.train()) {
            throw new IllegalArgumentException("ONNX Runtime runs inference only: drop --train");
        }
        int size = o.resolvedImageSize();
        OnnxPredictor.Settings settings = OnnxPredictor.Settings.defaults().withThreads(o.threads()).withInterOpThreads(1);
        String how;
        OnnxPredictor predictor;
        if (onnxFile != null) {
            predictor = OnnxPredictor.open(onnxFile, settings);
            how = "ONNX Runtime " + OnnxPredictor.runtimeVersion() + " on " + onnxFile.getFileName();
        } else {
            ModelSpec spec = Models.spec(o.model());
            try (NDManager manager = NDManager.newBaseManager()) {
                ImageClassifier net = spec.create(spec.numClasses(), 3).initialize(manager, size);
                predictor = OnnxPredictor.of(net, OnnxExport.Options.defaults().withModelName(spec.name()), settings);
            }
            how = "ONNX Runtime " + OnnxPredictor.runtimeVersion() + " on VisionZoo's export (in memory)";
        }
        float[] pixels = new float[o.batch() * predictor.channels() * size * size];
        SplittableRandom random = new SplittableRandom(Workload.SEED);
        for (int i = 0; i < pixels.length; i++) {
            double u = 1 - random.nextDouble();
            pixels[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        double[] ms = new double[o.iterations()];
        float check = 0;
        try (predictor) {
            for (int i = 0; i < o.warmup(); i++) {
                check += predictor.logits(pixels, o.batch(), size, size)[0];
            }
            for (int i = 0; i < o.iterations(); i++) {
                long t0 = System.nanoTime();
                check += predictor.logits(pixels, o.batch(), size, size)[0];
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        if (Float.isNaN(check)) {
            throw new IllegalStateException(o.model() + " produced NaN in ONNX Runtime");
        }
        return BenchResult.of(o, size, ms, Bench.peakRssMb(), how);
    }
}
