package org.visionzoo.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.testing.Tolerance;
import org.visionzoo.core.testing.TorchReference;
import org.visionzoo.core.testing.TorchReference.Fixture;
import org.visionzoo.core.testing.TorchReference.Options;
import org.visionzoo.core.weights.Weights;

import java.nio.file.Path;

/**
 * The exported graph in ONNX Runtime gives torchvision's own logits (PyTorch 1.13, eval mode) for
 * weights torchvision drew, with non-trivial batch-norm statistics: one model of each family and
 * each block type (basic residual, SE with hard-sigmoid and hard-swish, SE with SiLU and
 * stochastic depth, dense concatenation, the CIFAR ResNet's option A shortcut).
 */
class TorchvisionOnnxParityTest {

    @TempDir Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"resnet18, 64", "mobilenet_v3_large, 64", "efficientnet_b0, 64", "densenet121, 64", "resnet20, 32"})
    void onnxRuntimeGivesTorchvisionLogits(String name, int size) throws Exception {
        int classes = 11;
        Options options = Options.defaults().withNumClasses(classes).withImageSize(size).withBatch(3).withSeed(5);
        Fixture fixture = TorchReference.make(name, dir.resolve("torch"), options);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier model = Models.create(name, classes);
            model.initialize(manager, size);
            Weights.load(model, fixture.weights());
            Path file = dir.resolve(name + ".onnx");
            OnnxExport.write(model, file, OnnxExport.Options.defaults().withModelName(name));
            try (OnnxPredictor ort = OnnxPredictor.open(file, OnnxPredictor.Settings.defaults().withThreads(2))) {
                float[] logits = ort.logits(fixture.inputValues(), 3, size, size);
                assertThat(logits).hasSize(3 * classes);
                Tolerance.assertAllClose(name + " ONNX Runtime vs torchvision", logits, fixture.expectedLogits());
            }
        }
    }
}
