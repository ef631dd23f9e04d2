package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.visionzoo.examples.zoo.ZooTest.assertOneLineError;
import static org.visionzoo.examples.zoo.ZooTest.zoo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.examples.zoo.ZooTest.Result;
import org.visionzoo.onnx.OnnxPredictor;
import org.visionzoo.training.data.DatasetLocator;
import org.visionzoo.training.data.ImageDataset;
import org.visionzoo.training.data.MnistFamily;
import org.visionzoo.training.data.Split;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A resnet20 trained in Java on the real Fashion-MNIST (Debian's dataset-fashion-mnist) runs in ONNX
 * Runtime with the same predictions: {@code zoo eval --engine onnxruntime} reproduces the PyTorch
 * engine's accuracy and confusion matrix exactly, {@code zoo predict} the same top classes, and
 * {@code zoo export --format onnx} writes a file carrying the run's labels and normalisation.
 */
class ZooOnnxTest {

    @TempDir Path tmp;

    @Test
    void aModelTrainedInJavaGivesTheSamePredictionsInOnnxRuntime() throws IOException {
        Path run = tmp.resolve("run");
        Result t = zoo("train", "--model", "resnet20", "--dataset", "fashion-mnist", "--limit", 1024, "--val-limit", 256,
                "--batch-size", 64, "--lr", 0.1, "--seed", 3, "--epochs", 1, "--quiet", "--out", run);
        assertThat(t.status()).as(t.err()).isZero();
        Path weights = run.resolve("model.safetensors");

        JsonObject torch = eval(weights, "pytorch");
        JsonObject ort = eval(weights, "onnxruntime");
        assertThat(torch.get("top1").getAsDouble()).as("learns: chance is 0.10").isGreaterThan(0.3);
        assertThat(ort.get("images").getAsLong()).isEqualTo(2000);
        assertThat(ort.get("top1").getAsDouble()).isEqualTo(torch.get("top1").getAsDouble());
        assertThat(ort.get("top5").getAsDouble()).isEqualTo(torch.get("top5").getAsDouble());
        assertThat(ort.get("confusion_matrix")).as("the same prediction for every image")
                .isEqualTo(torch.get("confusion_matrix"));
        assertThat(ort.get("loss").getAsDouble()).isCloseTo(torch.get("loss").getAsDouble(),
                org.assertj.core.data.Offset.offset(1e-4));

        ImageDataset test = MnistFamily.FASHION_MNIST.load(
                DatasetLocator.standard().locate(MnistFamily.FASHION_MNIST.source()), Split.TEST);
        List<Object> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Path png = tmp.resolve("test" + i + ".png");
            ZooTrainTest.writeGray(test.image(i), 28, png);
            images.add(png);
        }
        assertThat(predict(weights, "onnxruntime", images)).isEqualTo(predict(weights, "pytorch", images));

        Path onnx = tmp.resolve("resnet20.onnx");
        Result x = zoo("export", "--model", "resnet20", "--weights", weights, "--format", "onnx",
                "--fixed-image-size", 32, "-o", onnx);
        assertThat(x.status()).as(x.err()).isZero();
        assertThat(x.out()).contains("ONNX opset 17");
        try (OnnxPredictor p = OnnxPredictor.open(onnx, OnnxPredictor.Settings.defaults().withThreads(1))) {
            assertThat(p.numClasses()).isEqualTo(10);
            assertThat(p.metadata()).containsEntry("visionzoo.model", "resnet20")
                    .containsEntry("visionzoo.labels", String.join("\n", test.classNames()))
                    .containsKey("visionzoo.mean").containsKey("visionzoo.std")
                    .containsEntry("visionzoo.in_channels", "1").containsEntry("visionzoo.image_size", "32");
        }

        Result b = zoo("bench", "--model", "resnet20", "--batch", 2, "--iterations", 2, "--warmup", 1,
                "--engine", "onnxruntime", "--onnx", onnx, "--image-size", 32, "--json");
        assertThat(b.status()).as(b.err()).isZero();
        assertThat(b.out()).contains("ONNX Runtime");
    }

    @Test
    void badEngineAndOnnxOptionsGiveOneLineErrors() {
        assertOneLineError(zoo("bench", "--model", "resnet20", "--engine", "tensorrt"), 2,
                "unknown engine 'tensorrt': expected pytorch or onnxruntime");
        assertOneLineError(zoo("bench", "--model", "resnet20", "--onnx", tmp.resolve("m.onnx")), 2,
                "--onnx needs --engine onnxruntime");
        assertOneLineError(zoo("bench", "--model", "resnet20", "--engine", "onnxruntime", "--train"), 2,
                "inference only");
        assertOneLineError(zoo("export", "--model", "resnet20", "--format", "tflite", "-o", tmp.resolve("m")), 2,
                "unknown --format 'tflite'");
        assertOneLineError(zoo("export", "--model", "resnet20", "--opset", 9, "-o", tmp.resolve("m.onnx")), 2,
                "--opset must be in [14, 17], got 9");
        assertOneLineError(zoo("export", "--model", "resnet20", "--fixed-image-size", 32, "-o", tmp.resolve("m.st")), 2,
                "--fixed-image-size needs --format onnx");
    }

    private JsonObject eval(Path weights, String engine) {
        Result e = zoo("eval", "--model", "resnet20", "--weights", weights, "--dataset", "fashion-mnist",
                "--limit", 2000, "--engine", engine, "--json");
        assertThat(e.status()).as(e.err()).isZero();
        return JsonParser.parseString(e.out()).getAsJsonObject();
    }

    private List<String> predict(Path weights, String engine, List<Object> images) {
        List<Object> args = new ArrayList<>(List.of("predict", "--weights", weights, "--top", 3, "--engine", engine));
        args.addAll(images);
        Result p = zoo(args.toArray());
        assertThat(p.status()).as(p.err()).isZero();
        List<String> labels = new ArrayList<>();
        for (String line : p.out().lines().toList()) {
            // "test0.png: Ankle boot (97.1%), Sneaker (2.0%), ...": the classes in order, not the percentages
            labels.add(line.replaceAll(" \\([0-9.]+%\\)", ""));
        }
        assertThat(labels).hasSize(images.size());
        return labels;
    }
}
