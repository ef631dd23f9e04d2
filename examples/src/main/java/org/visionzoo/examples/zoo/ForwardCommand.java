package org.visionzoo.examples.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.visionzoo.core.io.DType;
import org.visionzoo.core.io.Npy;
import org.visionzoo.core.io.TensorData;
import org.visionzoo.core.io.TensorFormatException;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.weights.Weights;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code zoo forward}: logits of a model with imported weights for an {@code .npy} batch, written
 * as {@code .npy}: the Java side of a parity check against PyTorch.
 */
@Command(
        name = "forward",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        sortOptions = false,
        header = "Run a model with imported weights on an .npy batch; write the logits as .npy.",
        description = {
            "",
            "Reads IN.npy, a float32 batch (N, C, H, W) already normalised the way the model"
                    + " expects, builds the model for that input, imports the weights strictly"
                    + " (every key once, every shape equal), runs an evaluation forward pass and"
                    + " writes the float32 logits (N, classes) to OUT.npy, replacing it atomically.",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Example, with weights saved in Python by",
            "safetensors.torch.save_file(model.state_dict(), 'w.safetensors'):",
            "  zoo forward --model resnet18 --weights w.safetensors \\",
            "      --input x.npy --output y.npy",
            "or by torch.save(model.state_dict(), 'w.pth'), read without Python or pickle:",
            "  zoo forward --model resnet18 --weights w.pth --input x.npy --output y.npy",
            ""
        })
final class ForwardCommand extends ZooCommand {

    private static final Set<DType> FLOATS = EnumSet.of(DType.F32, DType.F64, DType.F16, DType.BF16);

    @Mixin ModelOptions modelOptions;

    @Option(
            names = {"-w", "--weights"},
            required = true,
            paramLabel = "FILE",
            description = "A safetensors, npz or torch.save (.pth/.pt) file with torchvision's keys.")
    Path weights;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "IN.npy", description = "The input batch, (N, C, H, W), floating point.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.npy", description = "Where to write the float32 logits (N, classes).")
    Path output;

    @Option(
            names = "--batch-size",
            paramLabel = "B",
            defaultValue = "16",
            description = "Images per forward pass; bounds memory, results do not depend on it (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin MemoryOrderOption memoryOrder;

    @Override
    public Integer call() throws IOException {
        ModelSpec entry = modelOptions.entry(spec);
        int classes = modelOptions.classes(spec, entry);
        int batch = Cli.positive(spec, "--batch-size", batchSize, 16);
        Cli.requireReadableFile(weights, "weights file");
        Cli.requireReadableFile(input, "input file");
        Cli.requireOutputDirectory(spec, "--output", output);

        TensorData x = Npy.read(input);
        long[] shape = checkInput(x, entry.inChannels());
        int n = Math.toIntExact(shape[0]);
        int perImage = Math.toIntExact(shape[1] * shape[2] * shape[3]);
        float[] pixels = x.toFloatArray();
        float[] logits = new float[Math.multiplyExact(n, classes)];
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier net = memoryOrder.apply(entry.create(classes));
            net.initialize(manager, DataType.FLOAT32, new Shape(1, shape[1], shape[2], shape[3]));
            String notes = Weights.load(net, weights).notes();
            if (!notes.isEmpty()) {
                out().println(weights + ": " + notes);
            }
            for (int start = 0; start < n; start += batch) {
                int count = Math.min(batch, n - start);
                float[] chunk = Arrays.copyOfRange(pixels, start * perImage, (start + count) * perImage);
                try (NDArray images = manager.create(chunk, new Shape(count, shape[1], shape[2], shape[3]));
                        NDArray y = Inference.logits(net, images)) {
                    System.arraycopy(y.toFloatArray(), 0, logits, start * classes, count * classes);
                }
            }
        }
        Npy.write(output, TensorData.ofFloats("logits", new long[] {n, classes}, logits));
        PrintWriter out = out();
        out.printf("%s: logits (%d, %d) of %s%n", output, n, classes, entry.name());
        out.flush();
        return 0;
    }

    private long[] checkInput(TensorData x, int channels) throws IOException {
        long[] shape = x.shape();
        if (shape.length != 4) {
            throw new TensorFormatException(
                    input,
                    "expected a batch of images (N, C, H, W) of rank 4, got shape "
                            + Arrays.toString(shape)
                            + (shape.length == 3 ? " (add the batch dimension: x[None])" : ""));
        }
        if (shape[1] != channels) {
            throw new TensorFormatException(
                    input,
                    "model '"
                            + modelOptions.model()
                            + "' expects "
                            + channels
                            + " input channels, got shape "
                            + Arrays.toString(shape)
                            + (shape[3] == channels ? " (NHWC? transpose to NCHW: x.transpose(0, 3, 1, 2))" : ""));
        }
        for (long d : shape) {
            if (d <= 0) {
                throw new TensorFormatException(input, "empty batch: shape " + Arrays.toString(shape));
            }
        }
        if (!FLOATS.contains(x.dtype())) {
            throw new TensorFormatException(
                    input,
                    "expected floating-point images (float32), got "
                            + x.dtype()
                            + "; convert and normalise them first");
        }
        return shape;
    }
}
