package org.visionzoo.examples.zoo;

import ai.djl.ndarray.NDManager;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.data.ImageFolder;
import org.visionzoo.training.data.LabeledImages;
import org.visionzoo.training.loop.EvalResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** {@code zoo eval}: top-1/top-5 and the confusion matrix of trained weights on a dataset. */
@Command(
        mixinStandardHelpOptions = true,
        name = "eval",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Evaluates weights on a dataset's validation split (the official test split): loss,",
            "top-1, top-5, per-class accuracy and the confusion matrix. The model adapts to the data.",
            "WEIGHTS may be a run's model.safetensors, its checkpoint.safetensors, or any safetensors",
            "file with torchvision keys."
        },
        footer = {"", "Example:", "  zoo eval --model resnet20 --weights runs/r20/model.safetensors --dataset fashion-mnist"})
final class EvalCommand extends ZooCommand {

    @Mixin ModelNameOption model = new ModelNameOption();

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "The weights (safetensors).")
    Path weights;

    @Mixin DataOptions data = new DataOptions();

    @Option(names = "--batch-size", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 256;

    @Option(names = "--image-size", paramLabel = "S", description = "Input size (default: model.json's, else the dataset's, else the model's).")
    Integer imageSize;

    @Option(names = "--val-split", paramLabel = "F",
            description = "Evaluate on the seeded fraction F held out of the training data by 'zoo train --val-split F'.")
    Double valSplit;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of a folder's split (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate the first N images only.")
    Integer limit;

    @Option(names = "--workers", paramLabel = "W", description = "Decoding threads (default: ${DEFAULT-VALUE}).")
    int workers = 2;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Mixin InferenceOptions inference = new InferenceOptions();

    @Override
    public Integer call() throws IOException {
        ModelSpec entry = model.entry(spec);
        if (batchSize < 1 || workers < 0 || (limit != null && limit < 1)) {
            throw usage("--batch-size and --limit must be >= 1, --workers >= 0");
        }
        DataSetup.Spec ds = data.parse(spec);
        Cli.requireReadableFile(weights, "weights file");
        RunInfo info = RunInfo.besides(weights);
        DataSetup.Data d = data.load(spec, ds, valSplit, seed,
                ImageFolder.Options.defaults().maxImagePixels(inference.imageLimit.decoder(spec).maxPixels()));
        LabeledImages val = limit == null ? d.val() : d.val().first(limit);
        int size = imageSize != null ? imageSize
                : info != null && info.model().equals(entry.name()) ? info.imageSize()
                : DataSetup.imageSize(ds, null, entry.imageSize());
        int classes = d.classNames().size();
        EvalResult r;
        try (NDManager manager = NDManager.newBaseManager();
                DataLoader loader = DataLoader.builder(val).batchSize(batchSize).workers(workers)
                        .transform(DataSetup.evalTransform(entry.name(), ds.kind().nativeSize, size, d.normalize())).build()) {
            ImageClassifier net = inference.load(entry, classes, d.channels(), manager, size, weights);
            r = inference.engine.evaluate(net, entry.name(), size, loader); // PyTorch folds the batch norms first
        }
        PrintWriter out = out();
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("model", entry.name());
            o.addProperty("dataset", ds.name());
            o.addProperty("images", r.images());
            o.addProperty("loss", r.loss());
            o.addProperty("top1", r.top1());
            o.addProperty("top5", r.top5());
            o.addProperty("images_per_second", r.imagesPerSecond());
            JsonArray per = new JsonArray();
            for (double a : r.perClassAccuracy()) {
                per.add(Double.isNaN(a) ? null : a);
            }
            o.add("per_class_accuracy", per);
            JsonArray matrix = new JsonArray();
            for (long[] row : r.confusion().counts()) {
                JsonArray jr = new JsonArray();
                for (long c : row) {
                    jr.add(c);
                }
                matrix.add(jr);
            }
            o.add("confusion_matrix", matrix);
            out.println(new GsonBuilder().create().toJson(o));
        } else {
            out.printf(Locale.ROOT, "%s on %s (%s images): top-1 %.2f%%, top-5 %.2f%%, loss %.4f, %.0f img/s%n",
                    entry.name(), ds.name(), Cli.count(r.images()), 100 * r.top1(), 100 * r.top5(), r.loss(),
                    r.imagesPerSecond());
            if (classes <= 30) {
                out.println();
                out.println("confusion matrix (rows: actual, columns: predicted):");
                out.println(r.confusion().toTable(d.classNames()));
            }
        }
        out.flush();
        return 0;
    }
}
