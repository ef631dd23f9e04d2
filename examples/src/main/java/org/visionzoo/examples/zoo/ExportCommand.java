package org.visionzoo.examples.zoo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.ModelSummary;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.onnx.OnnxExport;
import org.visionzoo.training.transform.Normalize;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code zoo export}: a model's weights as safetensors with torchvision's keys, or the whole model as
 * ONNX.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        sortOptions = false,
        header = "Write a model's weights as safetensors with torchvision's keys, or the model as ONNX.",
        description = {
            "",
            "Builds model NAME, initialises it randomly (reproducibly with --seed) or imports --weights"
                    + " strictly, and writes every parameter and batch-norm statistic to OUT, replaced"
                    + " atomically. In Python:",
            "  model.load_state_dict(safetensors.torch.load_file(OUT), strict=True)",
            "",
            "--format onnx (the default for OUT ending in .onnx) writes the model as an ONNX graph built from"
                    + " its blocks (evaluation mode, batch norms folded, dynamic batch, input 'input', output"
                    + " 'logits'), with the model name, labels and evaluation transform as metadata; weights"
                    + " above 1 GiB go to OUT.data beside it. See docs/deploy.md.",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  zoo export --model resnet18 --num-classes 10 --seed 1 -o r18.safetensors",
            "  zoo export --model resnet50 --weights r50.npz --output r50.safetensors",
            "  zoo export --model resnet50 --weights r50.safetensors --format onnx -o r50.onnx",
            ""
        })
final class ExportCommand extends ZooCommand {

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

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "safetensors or onnx (default: onnx for an OUT ending in .onnx, else safetensors).")
    String format;

    @Option(names = "--opset", paramLabel = "N", description = "ONNX opset, " + OnnxExport.MIN_OPSET + " to "
            + OnnxExport.MAX_OPSET + " (default: ${DEFAULT-VALUE}).")
    int opset = OnnxExport.DEFAULT_OPSET;

    @Option(names = "--fixed-image-size", paramLabel = "S", description = "ONNX: fix the input's height and width"
            + " to S in the graph (default: dynamic); some runtimes plan memory better with fixed shapes.")
    Integer fixedImageSize;

    @Override
    public Integer call() throws IOException {
        ModelSpec entry = modelOptions.entry(spec);
        if (weights != null) {
            Cli.requireReadableFile(weights, "weights file");
        }
        // A training run's model.json beside the weights gives its classes and input channels.
        RunInfo info = weights == null ? null : RunInfo.besides(weights);
        boolean fromRun = info != null && info.model().equals(entry.name());
        int classes = modelOptions.classes(spec,
                fromRun ? info.numClasses() : entry.numClasses());
        int channels = fromRun ? info.inChannels() : entry.inChannels();
        Cli.requireOutputDirectory(spec, "--output", output);
        boolean onnx = onnxFormat();
        if (fixedImageSize != null && (!onnx || fixedImageSize < 1)) {
            throw usage("--fixed-image-size needs --format onnx and a size >= 1");
        }
        require(!onnx || opset >= OnnxExport.MIN_OPSET && opset <= OnnxExport.MAX_OPSET, "--opset",
                "in [" + OnnxExport.MIN_OPSET + ", " + OnnxExport.MAX_OPSET + "]", opset);
        long params;
        try (NDManager manager = NDManager.newBaseManager()) {
            if (seed != null) {
                Engine.getInstance().setRandomSeed(seed);
            }
            ImageClassifier net = entry.create(classes, channels);
            net.initialize(manager, entry.imageSize());
            if (weights != null) {
                Weights.load(net, weights);
            }
            if (onnx) {
                OnnxExport.Options o = onnxOptions(entry, classes, fromRun ? info : null);
                if (fixedImageSize != null) {
                    o = o.withImageSize(fixedImageSize, o.resize()).withFixedImageSize(true);
                }
                OnnxExport.write(net, output, o);
            } else {
                Weights.save(net, output);
            }
            params = ModelSummary.countParameters(net);
        }
        String origin = weights != null ? "weights of " + weights : seed != null ? "seed " + seed : "unseeded";
        PrintWriter out = out();
        out.printf(
                "%s: %s, %d classes, %s parameters (%s)%s%n",
                output, entry.name(), classes, Cli.count(params), origin,
                onnx ? ", ONNX opset " + opset : "");
        out.flush();
        return 0;
    }

    private boolean onnxFormat() {
        if (format == null) {
            return output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
        }
        switch (format.toLowerCase(Locale.ROOT)) {
            case "onnx":
                return true;
            case "safetensors":
                return false;
            default:
                throw usage("unknown --format '" + format
                        + "': expected safetensors or onnx");
        }
    }

    /** Name, eval transform and labels: from model.json beside the weights when it describes this model. */
    private OnnxExport.Options onnxOptions(ModelSpec entry, int classes, RunInfo info) {
        OnnxExport.Options o = OnnxExport.Options.defaults().withOpset(opset).withModelName(entry.name());
        if (info != null && info.numClasses() == classes) {
            o = o.withNormalization(info.mean(), info.std());
            if (info.labels() != null && info.labels().size() == classes) {
                o = o.withLabels(info.labels());
            }
            return o.withImageSize(info.imageSize(), 0);
        }
        Normalize imagenet = Normalize.IMAGENET;
        if (entry.inChannels() == imagenet.mean().length) {
            o = o.withNormalization(imagenet.mean(), imagenet.std());
        }
        return o.withImageSize(entry.imageSize(), entry.evalResize());
    }
}
