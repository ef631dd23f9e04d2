package org.visionzoo.examples.zoo;

import ai.djl.nn.Block;

import org.visionzoo.core.io.SafeTensors;
import org.visionzoo.core.io.TensorFile;
import org.visionzoo.core.weights.LoadReport;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.training.loop.Checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads either a plain weights file or the model of a training checkpoint. */
final class WeightsFiles {

    private WeightsFiles() {}

    static boolean isCheckpoint(Path file) throws IOException {
        try (TensorFile tf = SafeTensors.read(file)) {
            return tf.metadata().containsKey(Checkpoint.METADATA_KEY);
        } catch (IOException e) {
            return false;
        }
    }

    /** Loads strictly; a checkpoint contributes its trained (not EMA) weights. */
    static LoadReport load(Block model, Path file) throws IOException {
        Cli.requireReadableFile(file, "weights file");
        if (!file.toString().endsWith(".npz") && isCheckpoint(file)) {
            Path tmp = Files.createTempFile("visionzoo-weights", ".safetensors");
            try {
                Checkpoint.exportWeights(file, tmp, false);
                return Weights.load(model, tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return Weights.load(model, file);
    }
}
