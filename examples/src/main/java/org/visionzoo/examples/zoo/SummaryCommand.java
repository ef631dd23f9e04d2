package org.visionzoo.examples.zoo;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.ModelSummary;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/** {@code zoo summary}: builds and initialises a model and prints its layers with totals. */
@Command(
        name = "summary",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Print a model's layers, output shapes, parameters and MACs.",
        description = {
            "",
            "Builds and initialises MODEL (randomly; no weights are needed) and prints one row per"
                    + " layer down to --depth, with torchvision's module names, then the totals."
                    + " Parameters are counted as PyTorch does (batch-norm statistics excluded);"
                    + " MACs are those of one image.",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  zoo summary resnet18 --depth 1",
            "  zoo summary resnet50 --num-classes 10 --image-size 160",
            ""
        })
final class SummaryCommand extends ZooCommand {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A registered model name (see 'zoo list').")
    String model;

    @Mixin NumClassesOption numClasses = new NumClassesOption();

    @Option(names = "--image-size", paramLabel = "S", description = "Input height and width (default: the model's).")
    Integer imageSize;

    @Option(
            names = "--depth",
            paramLabel = "D",
            defaultValue = "2",
            description = "Deepest layer rows to show; 0 shows the whole model as one row (default: ${DEFAULT-VALUE}).")
    int depth;

    @Override
    public Integer call() {
        ModelSpec entry = Cli.model(spec, model);
        int classes = numClasses.classes(spec, entry);
        int size = Cli.positive(spec, "--image-size", imageSize, entry.imageSize());
        require(depth >= 0, "--depth", ">= 0", depth);
        ModelSummary summary;
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier net = entry.create(classes);
            net.initialize(manager, size);
            summary = ModelSummary.of(net, new Shape(1, net.inChannels(), size, size));
        }
        PrintWriter out = out();
        out.printf(
                "%s (%s, %d classes, %dx%d input)%n%n",
                entry.name(), entry.family(), classes, size, size);
        out.print(summary.toTable(depth));
        out.flush();
        return 0;
    }
}
