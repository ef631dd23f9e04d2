package org.visionzoo.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.initializer.Initializer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.KernelCase;
import org.visionzoo.core.model.KernelSelfCheck;
import org.visionzoo.core.model.MemoryFormat;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every distinct convolution, pooling and batch-norm configuration of every registered model (found
 * in the built models, not listed by hand), run by VisionZoo's own blocks at batch 1, 2 and 8 in
 * both memory orders, forward in evaluation and training mode and backward, against a float64
 * reference ({@link KernelCase}).
 *
 * <p>The default order must be right everywhere. The other order must be right too unless this
 * CPU failed the platform self-check in it ({@link KernelSelfCheck}): the self-check must stand for
 * the whole sweep, or users of the other order would get wrong numbers without a warning.
 */
class KernelSweepTest {

    private static final int[] BATCHES = {1, 2, 8};

    private static Set<KernelCase> cases;
    private static boolean defaultChannelsLast;

    @BeforeAll
    static void collect() {
        cases = new LinkedHashSet<>();
        for (ModelSpec spec : Models.list()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                ImageClassifier model = spec.create(spec.numClasses());
                model.setInitializer(Initializer.ZEROS, p -> true); // only the shapes matter
                model.initialize(manager, Math.min(spec.imageSize(), 64));
                cases.addAll(KernelCase.of(model));
            }
        }
        defaultChannelsLast = MemoryFormat.AUTO.channelsLastOn(Device.cpu(), true);
    }

    @Test
    void theSweepCoversEveryKindOfKernel() {
        System.out.printf("kernel sweep: %d configurations of %d models%n", cases.size(), Models.list().size());
        assertThat(cases).hasSizeGreaterThan(500)
                .anyMatch(k -> k instanceof KernelCase.Conv c && c.kernel() == 1 && c.stride() == 2)
                .anyMatch(k -> k instanceof KernelCase.Conv c && c.groups() == 32) // ResNeXt
                .anyMatch(k -> k instanceof KernelCase.Conv c && c.groups() == c.in() && c.kernel() == 5) // depthwise
                .anyMatch(k -> k instanceof KernelCase.Conv c && c.kernel() == 7)
                .anyMatch(k -> k instanceof KernelCase.Conv c && c.bias()) // squeeze-excitation
                .anyMatch(k -> k instanceof KernelCase.MaxPool)
                .anyMatch(k -> k instanceof KernelCase.AvgPool)
                .anyMatch(k -> k instanceof KernelCase.Norm)
                .anyMatch(k -> k instanceof KernelCase.GlobalPool);
    }

    @Test
    void everyConfigurationIsRightInTheDefaultOrderAndWhereverTheSelfCheckPassed() {
        List<KernelCase.Result> wrong = new ArrayList<>();
        int checks = 0;
        for (KernelCase kernel : cases) {
            for (int batch : BATCHES) {
                for (boolean training : new boolean[] {false, true}) {
                    for (KernelCase.Result r : kernel.check(batch, training)) {
                        checks++;
                        if (!r.ok()) {
                            wrong.add(r);
                        }
                    }
                }
            }
        }
        System.out.printf("kernel sweep: %d checks, %d wrong (%s)%n", checks, wrong.size(), wrong);
        assertThat(wrong).as("wrong in the default order (%s)", defaultChannelsLast ? "channels-last" : "contiguous")
                .noneMatch(r -> r.channelsLast() == defaultChannelsLast);
        if (KernelSelfCheck.passed(!defaultChannelsLast, true)) {
            assertThat(wrong).as("wrong in the other order, which passed the self-check here").isEmpty();
        }
    }

    @Test
    void resnet50sPointwiseShapesThatFailedInOneDnnAreRight() {
        // (2, 256, 6, 6) -> 512 stride 2; (1, 256, 14, 14) -> 512 stride 2; (1, 256, 56, 56) -> 512
        KernelCase downsample = new KernelCase.Conv(256, 512, 1, 2, 0, 1, 1, false);
        KernelCase expand = new KernelCase.Conv(256, 512, 1, 1, 0, 1, 1, false);
        List<KernelCase.Result> results = new ArrayList<>();
        results.addAll(downsample.check(2, 6, false));
        results.addAll(downsample.check(3, 6, true));
        results.addAll(downsample.check(8, 6, false));
        results.addAll(downsample.check(1, 14, true));
        results.addAll(expand.check(1, 56, false));
        results.addAll(expand.check(2, 28, true));
        assertThat(results).allSatisfy(r -> assertThat(r.ok()).as("%s", r).isTrue());
    }
}
