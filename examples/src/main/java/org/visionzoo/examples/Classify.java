package org.visionzoo.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.pretrained.Prediction;
import org.visionzoo.core.pretrained.Pretrained;
import org.visionzoo.core.pretrained.PretrainedModel;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.training.data.ImageDecoder;
import org.visionzoo.training.loop.Checkpoint;
import org.visionzoo.training.loop.RunMetadata;
import org.visionzoo.training.transform.EvalPreset;
import org.visionzoo.training.transform.Image;
import org.visionzoo.training.transform.Normalize;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Classifies image files with a model trained by {@code zoo train} (or {@link TrainFashionMnist}):
 * the run's checkpoint says which model, input size and channels; its {@code labels.txt} names
 * the classes.
 *
 * <pre>
 * ./zoo example classify RUN_DIR IMAGE...
 * ./zoo example classify --pretrained MODEL IMAGE...   # torchvision's ImageNet weights, top 5
 * </pre>
 *
 * <p>Images of a dataset with one native size (MNIST, CIFAR) must have that size; others go
 * through the model's torchvision evaluation preset (antialiased resize, centre crop).
 */
public final class Classify {

    private Classify() {}

    /**
     * Runs the example.
     *
     * @param args the run directory, then image files
     * @throws Exception if a file is missing or does not decode
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2 || (args[0].equals("--pretrained") && args.length < 3)) {
            System.err.println("usage: classify RUN_DIR IMAGE...  |  classify --pretrained MODEL IMAGE...");
            return;
        }
        if (args[0].equals("--pretrained")) {
            classifyPretrained(args[1], java.util.Arrays.copyOfRange(args, 2, args.length));
            return;
        }
        Path run = Path.of(args[0]);
        RunMetadata info = Checkpoint.readState(run.resolve(Checkpoint.FILE)).metadata()
                .orElseThrow(() -> new IllegalArgumentException(run + ": the checkpoint records no model (not a zoo train run)"));
        List<String> labels = Files.readAllLines(run.resolve("labels.txt"));
        int channels = info.inChannels();
        int size = info.imageSize();
        Normalize normalize = switch (info.dataset()) {
            case "fashion-mnist" -> Normalize.FASHION_MNIST;
            case "mnist" -> Normalize.MNIST;
            case "cifar10" -> Normalize.CIFAR10;
            default -> Normalize.IMAGENET;
        };
        boolean nativeSize = normalize != Normalize.IMAGENET;
        EvalPreset preset = EvalPreset.forModel(info.model(), size, normalize);

        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = Models.spec(info.model()).create(labels.size(), channels);
            model.initialize(manager, size);
            Weights.load(model, run.resolve("model.safetensors"));
            model.optimizeForInference(); // fold the batch norms: faster, same predictions
            for (int i = 1; i < args.length; i++) {
                Image img = ImageDecoder.standard().decode(Path.of(args[i]), channels);
                if (nativeSize && (img.height() != size || img.width() != size)) {
                    System.out.println(args[i] + ": expected " + size + "x" + size + " pixels, got "
                            + img.height() + "x" + img.width());
                    continue;
                }
                img = (nativeSize ? normalize : preset).apply(img, new SplittableRandom(0));
                try (NDArray x = manager.create(img.data(), new Shape(1, channels, size, size));
                        NDArray logits = Inference.logits(model, x);
                        NDArray probs = logits.softmax(1)) {
                    float[] p = probs.toFloatArray();
                    int best = 0;
                    for (int k = 1; k < p.length; k++) {
                        best = p[k] > p[best] ? k : best;
                    }
                    System.out.printf("%s: %s (%.1f%%)%n", args[i], labels.get(best), 100 * p[best]);
                }
            }
        }
    }

    /** torchvision's ImageNet weights: download on first use, preprocess, top 5. */
    private static void classifyPretrained(String modelName, String[] images) throws Exception {
        try (PretrainedModel model = Pretrained.load(modelName)) {
            model.classifier().optimizeForInference();
            for (String file : images) {
                Image img = ImageDecoder.standard().decode(Path.of(file), 3);
                float[] x = model.transform().apply(img.data(), 3, img.height(), img.width());
                StringBuilder line = new StringBuilder(file).append(':');
                for (Prediction p : model.classify(x, 5)) {
                    line.append(String.format(" %s (%.1f%%)", p.label(), 100 * p.probability()));
                }
                System.out.println(line);
            }
        }
    }
}
