package org.visionzoo.examples.zoo;

import ai.djl.nn.Block;

import org.visionzoo.core.io.SafeTensors;
import org.visionzoo.core.io.TensorFile;
import org.visionzoo.core.weights.LoadOptions;
import org.visionzoo.core.weights.LoadReport;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.training.loop.Checkpoint;

import java.io.IOException;
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
        if (isCheckpoint(file)) {
            // In memory: a temporary file would be left behind by a process killed meanwhile.
            return Weights.load(model, file, Checkpoint.modelWeights(file, false), LoadOptions.strict());
        }
        return Weights.load(model, file);
    }
}
