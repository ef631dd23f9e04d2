package org.visionzoo.example.consumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.ModelSummary;
import org.visionzoo.resnet.ResNet;

/**
 * Uses VisionZoo from another project: builds a ResNet-18-shaped network for 10 classes,
 * initialises it and runs a random batch through it. Exits with status 1 if the logits do not
 * have the expected shape.
 */
public final class Main {

    private Main() {}

    /**
     * Runs the example.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        ResNet model = ResNet.builder()
                .layers(2, 2, 2, 2)
                .block(ResNet.BlockType.BASIC)
                .numClasses(10)
                .build();
        Shape expected = new Shape(2, 10);
        Shape actual;
        try (NDManager manager = NDManager.newBaseManager()) {
            model.initialize(manager, 64);
            NDArray images = manager.randomNormal(new Shape(2, 3, 64, 64));
            NDArray logits = Inference.logits(model, images);
            actual = logits.getShape();
            System.out.printf(
                    "ResNet (2, 2, 2, 2) basic, %,d parameters: logits %s%n",
                    ModelSummary.countParameters(model), actual);
        }
        if (!expected.equals(actual)) {
            System.err.println("consumer: expected logits of shape " + expected + ", got " + actual);
            System.exit(1);
        }
        System.out.println("consumer: OK");
    }
}
