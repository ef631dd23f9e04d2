package org.visionzoo.examples.zoo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.ModelSummary;
import org.visionzoo.core.weights.Weights;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code zoo export}: a model's weights as safetensors with torchvision's keys. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        sortOptions = false,
        header = "Write a model's weights as safetensors with torchvision's keys.",
        description = {
            "",
            "Builds model NAME, initialises it randomly (reproducibly with --seed) or imports --weights"
                    + " strictly, and writes every parameter and batch-norm statistic to OUT, replaced"
                    + " atomically. In Python:",
            "  model.load_state_dict(safetensors.torch.load_file(OUT), strict=True)",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  zoo export --model resnet18 --num-classes 10 --seed 1 -o r18.safetensors",
            "  zoo export --model resnet50 --weights r50.npz --output r50.safetensors",
            ""
        })
final class ExportCommand implements Callable<Integer> {

    @Mixin ModelOptions modelOptions;

    @Option(
            names = {"-w", "--weights"},
            paramLabel = "FILE",
            description = "Import these weights (safetensors, npz or .pth, strictly) instead of initialising randomly.")
    Path weights;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed of the initialisation, an int (default: unseeded).")
    Integer seed;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "The .safetensors file to write.")
    Path output;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ModelSpec entry = modelOptions.entry(spec);
        int classes = modelOptions.classes(spec, entry);
        if (weights != null) {
            Cli.requireReadableFile(weights, "weights file");
        }
        Cli.requireOutputDirectory(spec, "--output", output);
        long params;
        try (NDManager manager = NDManager.newBaseManager()) {
            if (seed != null) {
                Engine.getInstance().setRandomSeed(seed);
            }
            ImageClassifier net = entry.create(classes);
            net.initialize(manager, entry.imageSize());
            if (weights != null) {
                Weights.load(net, weights);
            }
            Weights.save(net, output);
            params = ModelSummary.countParameters(net);
        }
        String origin = weights != null ? "weights of " + weights : seed != null ? "seed " + seed : "unseeded";
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%s: %s, %d classes, %s parameters (%s)%n",
                output, entry.name(), classes, Cli.count(params), origin);
        out.flush();
        return 0;
    }
}
