package org.visionzoo.examples.zoo;

import ai.djl.ndarray.NDArray;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.onnx.OnnxExport;
import org.visionzoo.onnx.OnnxPredictor;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.loop.EvalResult;
import org.visionzoo.training.loop.Evaluator;

import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * {@code --engine pytorch|onnxruntime}, shared by the inference commands ({@code predict}, {@code
 * eval}, {@code bench}). PyTorch is the default: see docs/deploy.md for the measurement behind
 * that choice.
 */
final class EngineOption {

    /** The inference engines. */
    enum Kind {
        /** libtorch through DJL, batch norms folded ({@code optimizeForInference}). */
        PYTORCH,
        /** ONNX Runtime on the model exported in memory ({@code OnnxPredictor}). */
        ONNXRUNTIME
    }

    @Option(
            names = "--engine",
            paramLabel = "ENGINE",
            converter = KindConverter.class,
            description = "Inference engine: pytorch (libtorch, the default) or onnxruntime (the model exported"
                    + " to ONNX in memory and run by ONNX Runtime).")
    Kind engine = Kind.PYTORCH;

    /** Parses pytorch / onnxruntime, case-insensitively, with a clear error otherwise. */
    static final class KindConverter implements picocli.CommandLine.ITypeConverter<Kind> {
        @Override
        public Kind convert(String value) {
            String v = value.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
            switch (v) {
                case "pytorch":
                case "torch":
                    return Kind.PYTORCH;
                case "onnxruntime":
                case "ort":
                case "onnx":
                    return Kind.ONNXRUNTIME;
                default:
                    throw new picocli.CommandLine.TypeConversionException(
                            "unknown engine '" + value + "': expected pytorch or onnxruntime");
            }
        }
    }

    boolean onnx() {
        return engine == Kind.ONNXRUNTIME;
    }

    /** Something that maps a batch to logits; closes what it holds. */
    interface Runner extends AutoCloseable {
        /** Logits {@code (N, classes)} of {@code x}, in {@code x}'s manager. */
        NDArray logits(NDArray x);

        @Override
        void close();
    }

    /**
     * Prepares the model for inference on the chosen engine: PyTorch folds its batch norms; ONNX
     * Runtime exports the (unfolded) model in memory, with the input's height and width fixed to
     * {@code imageSize} (ONNX Runtime plans its memory better: ResNet-50 batch 32 peaks about a
     * quarter lower than with dynamic sizes), and opens a session with {@code threads} intra-op
     * threads (0: ONNX Runtime's default).
     */
    Runner runner(ImageClassifier net, String modelName, int imageSize, int threads) {
        if (!onnx()) {
            net.optimizeForInference(); // batch norms folded: inference only from here
            return new Runner() {
                @Override
                public NDArray logits(NDArray x) {
                    return Inference.logits(net, x);
                }

                @Override
                public void close() {}
            };
        }
        OnnxPredictor predictor = OnnxPredictor.of(net, OnnxExport.Options.defaults().withModelName(modelName)
                        .withImageSize(imageSize, 0).withFixedImageSize(true),
                OnnxPredictor.Settings.defaults().withThreads(threads));
        return new Runner() {
            @Override
            public NDArray logits(NDArray x) {
                return predictor.logits(x);
            }

            @Override
            public void close() {
                predictor.close();
            }
        };
    }

    /**
     * {@link Evaluator#evaluate} on the chosen engine: for ONNX Runtime the same metrics over the same
     * batches, the logits from the session.
     */
    EvalResult evaluate(ImageClassifier net, String modelName, int imageSize, DataLoader loader) {
        if (!onnx()) {
            net.optimizeForInference();
            return Evaluator.evaluate(net, loader);
        }
        try (Runner runner = runner(net, modelName, imageSize, 0)) {
            return Evaluator.evaluate(net.getParameters().valueAt(0).getArray().getManager(), runner::logits,
                    loader);
        }
    }
}
