package org.visionzoo.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.KernelSelfCheck;
import org.visionzoo.core.model.MemoryFormat;
import org.visionzoo.core.weights.Weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Behaviour checks every model family runs on its own models. */
public final class ModelChecks {

    private ModelChecks() {}

    /**
     * Asserts that evaluation passes leave no array behind on the input's manager and that the
     * process's resident memory stays flat: {@code warmup} passes first, then {@code passes} more
     * may grow it by less than {@code maxGrowthKb}.
     *
     * @param model an initialised model, on the input's manager
     * @param x the batch
     * @param warmup untimed passes before the resident size is read
     * @param passes passes whose growth is bounded
     * @param maxGrowthKb the bound, in kB
     */
    public static void assertEvaluationMemoryFlat(ImageClassifier model, NDArray x, int warmup, int passes, long maxGrowthKb) {
        NDManager manager = x.getManager();
        int arrays = manager.getManagedArrays().size();
        for (int i = 0; i < warmup; i++) {
            Inference.logits(model, x).close();
        }
        long warm = ProcessMemory.rssKb();
        for (int i = 0; i < passes; i++) {
            Inference.logits(model, x).close();
        }
        assertThat(manager.getManagedArrays().size()).as("arrays left on the manager").isEqualTo(arrays);
        assertThat(ProcessMemory.rssKb() - warm).as("resident growth over %d passes, kB", passes).isLessThan(maxGrowthKb);
    }

    /**
     * Asserts that a model's dropout acts in training only: with {@code plain}'s weights copied
     * from {@code dropping} (which differs only in its dropout rate), evaluation is deterministic
     * and equal for both, and training passes of {@code dropping} differ from each other and from
     * {@code plain}'s (whose batch statistics make them deterministic).
     *
     * @param dropping an initialised model with dropout
     * @param plain an initialised model of the same architecture without it
     * @param x the batch, on the models' manager
     * @param weights a file to copy the weights through
     * @throws IOException if the weights cannot be written or read
     */
    public static void assertDropoutActsInTrainingOnly(ImageClassifier dropping, ImageClassifier plain, NDArray x, Path weights)
            throws IOException {
        Weights.save(dropping, weights);
        Weights.load(plain, weights);

        float[] eval = Inference.logits(dropping, x).toFloatArray();
        assertThat(Inference.logits(dropping, x).toFloatArray()).containsExactly(eval);
        assertThat(Inference.logits(plain, x).toFloatArray()).containsExactly(eval);

        ParameterStore ps = new ParameterStore(x.getManager(), false);
        float[] plainTrain = plain.forward(ps, new NDList(x), true).singletonOrThrow().toFloatArray();
        assertThat(plain.forward(ps, new NDList(x), true).singletonOrThrow().toFloatArray()).containsExactly(plainTrain);
        float[] first = dropping.forward(ps, new NDList(x), true).singletonOrThrow().toFloatArray();
        float[] second = dropping.forward(ps, new NDList(x), true).singletonOrThrow().toFloatArray();
        assertThat(first).isNotEqualTo(second);
        assertThat(first).isNotEqualTo(plainTrain);
    }

    /**
     * Asserts a reference's logits (torchvision's, within {@link Tolerance#assertLogitsClose}) in every
     * memory order: the default ({@link MemoryFormat#AUTO}, what users get) always; channels-last
     * and contiguous order explicitly wherever this CPU passed the platform self-check in that
     * order. Where it did not (some kernel is computed wrong in that order here), running the
     * model in that order must have logged a warning saying so. The model's own order is
     * restored.
     *
     * @param what what is compared, for the messages
     * @param model an initialised model with the reference's weights
     * @param input the reference's input
     * @param expected the reference's logits
     * @return the logits in the default order
     */
    public static float[] assertLogitsInEveryOrder(String what, ImageClassifier model, NDArray input, float[] expected) {
        MemoryFormat own = model.memoryFormat();
        try {
            float[] logits = Inference.logits(model.memoryFormat(MemoryFormat.AUTO), input).toFloatArray();
            Tolerance.assertLogitsClose(what + " (default order)", logits, expected);
            for (MemoryFormat order : List.of(MemoryFormat.CHANNELS_LAST, MemoryFormat.CONTIGUOUS)) {
                float[] explicit = Inference.logits(model.memoryFormat(order), input).toFloatArray();
                if (KernelSelfCheck.passed(order == MemoryFormat.CHANNELS_LAST, false)) {
                    Tolerance.assertLogitsClose(what + " (" + order.settingName() + ")", explicit, expected);
                } else {
                    assertThat(KernelSelfCheck.warnings()).as("warnings after running %s in %s order, which this CPU"
                            + " fails", what, order.settingName())
                            .anyMatch(w -> w.contains(order.settingName() + " order was requested"));
                }
            }
            return logits;
        } finally {
            model.memoryFormat(own);
        }
    }
}
