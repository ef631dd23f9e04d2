package org.visionzoo.examples.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.pretrained.PretrainedWeights;
import org.visionzoo.training.data.ImageDecoder;
import org.visionzoo.training.data.LabelsFile;
import org.visionzoo.training.transform.EvalPreprocessing;
import org.visionzoo.training.transform.EvalPreset;
import org.visionzoo.training.transform.Image;
import org.visionzoo.training.transform.Normalize;
import org.visionzoo.training.transform.Transform;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code zoo predict}: top-k labels with probabilities for image files. */
@Command(
        mixinStandardHelpOptions = true,
        name = "predict",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Classifies image files (PNG, JPEG, BMP, GIF) with trained weights and the model's",
            "evaluation transform (torchvision's preset, antialiased resize as PIL), printing the",
            "top-k labels with their probabilities. With a run's model.safetensors, its model.json",
            "gives the model, input size, normalisation and labels; otherwise pass --model (and",
            "--labels or --num-classes). With --pretrained, torchvision's ImageNet weights (downloaded",
            "on first use) and the 1000 ImageNet class names."
        },
        footer = {"", "Examples:", "  zoo predict --weights runs/r20/model.safetensors shirt.png boot.png",
            "  zoo predict --model resnet50 --pretrained photo.jpg"})
final class PredictCommand extends ZooCommand {

    @Option(names = {"-m", "--model"}, paramLabel = "NAME", description = "A registered model name (default: model.json's).")
    String model;

    @Option(names = "--weights", paramLabel = "FILE", description = "The weights (safetensors); or --pretrained.")
    Path weights;

    @Mixin PretrainedOption pretrained = new PretrainedOption();

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line (default: model.json's).")
    Path labels;

    @Option(names = "--num-classes", paramLabel = "N", description = "Classes, without labels (default: the model's).")
    Integer numClasses;

    @Option(names = "--top", paramLabel = "K", description = "How many labels per image (default: 5 with --pretrained, else 3).")
    Integer top;

    @Option(names = "--image-size", paramLabel = "S", description = "Input size (default: model.json's, else the model's).")
    Integer imageSize;

    @Option(names = "--json", description = "Print one JSON object per image.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Mixin InferenceOptions inference = new InferenceOptions();

    @Override
    public Integer call() throws IOException {
        if (pretrained.requestedInstead(spec, weights)) {
            if (model == null) {
                throw usage("--pretrained needs --model, e.g. --model resnet50");
            }
            PretrainedWeights w = pretrained.entry(spec, Cli.model(spec, model).name());
            List<String> names = labels != null ? readLabels(labels) : w.categories();
            int size = Cli.positive(spec, "--image-size", imageSize, w.transform().cropSize());
            Transform eval = imageSize == null ? new EvalPreset(w.transform())
                    : EvalPreset.forModel(model, size, new Normalize(floats(w.transform().mean()), floats(w.transform().std())));
            return classify(Cli.model(spec, model), pretrained.fetch(w, err()), names,
                    names.size(), 3, size, eval, 0, top == null ? 5 : top);
        }
        if (weights == null) {
            throw usage("expected --weights FILE or --pretrained [TAG]");
        }
        Cli.requireReadableFile(weights, "weights file");
        RunInfo info = RunInfo.besides(weights);
        if (model == null && info == null) {
            throw usage("--model is needed: there is no "
                    + RunInfo.FILE + " next to " + weights);
        }
        ModelSpec entry = Cli.model(spec, model != null ? model : info.model());
        boolean useInfo = info != null && info.model().equals(entry.name());
        List<String> names = labels != null ? readLabels(labels) : useInfo && info.labels() != null ? info.labels() : null;
        int classes = names != null ? names.size()
                : Cli.positive(spec, "--num-classes", numClasses, useInfo ? info.numClasses() : entry.numClasses());
        if (numClasses != null && names != null && numClasses != names.size()) {
            throw usage("--num-classes " + numClasses + " but " + names.size() + " labels");
        }
        int channels = useInfo ? info.inChannels() : entry.inChannels();
        int size = Cli.positive(spec, "--image-size", imageSize, useInfo ? info.imageSize() : entry.imageSize());
        Normalize normalize = useInfo ? info.normalize() : Normalize.IMAGENET;
        int nativeSize = useInfo ? info.nativeSize() : 0;
        Transform eval = DataSetup.evalTransform(entry.name(), nativeSize, size, normalize);
        return classify(entry, weights, names, classes, channels, size, eval, nativeSize, top == null ? 3 : top);
    }

    private static float[] floats(List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }

    private int classify(ModelSpec entry, Path weights, List<String> names, int classes, int channels, int size,
            Transform eval, int nativeSize, int top) throws IOException {
        require(top >= 1, "--top", ">= 1", top);
        int k = Math.min(top, classes);
        ImageDecoder decoder = inference.imageLimit.decoder(spec);
        // decode everything first: a bad file fails before any work, naming it
        List<Image> inputs = new ArrayList<>();
        for (Path p : images) {
            inputs.add(EvalPreprocessing.apply(decoder.decode(p, channels), nativeSize, eval));
        }
        PrintWriter out = out();
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier net = inference.load(entry, classes, channels, manager, size, weights);
            try (EngineOption.Runner runner = inference.engine.runner(net, entry.name(), size, 0)) {
                for (int i = 0; i < inputs.size(); i++) {
                    Image img = inputs.get(i);
                    float[] p;
                    try (NDArray x = manager.create(img.data(), new Shape(1, img.channels(), img.height(), img.width()));
                            NDArray logits = runner.logits(x);
                            NDArray probs = logits.softmax(1)) {
                        p = probs.toFloatArray();
                    }
                    Integer[] order = new Integer[p.length];
                    for (int j = 0; j < p.length; j++) {
                        order[j] = j;
                    }
                    final float[] pp = p;
                    java.util.Arrays.sort(order, (a, b) -> Float.compare(pp[b], pp[a]));
                    if (json) {
                        JsonObject o = new JsonObject();
                        o.addProperty("image", images.get(i).toString());
                        JsonArray arr = new JsonArray();
                        for (int j = 0; j < k; j++) {
                            JsonObject e = new JsonObject();
                            e.addProperty("index", order[j]);
                            e.addProperty("label", names == null ? Integer.toString(order[j]) : names.get(order[j]));
                            e.addProperty("probability", p[order[j]]);
                            arr.add(e);
                        }
                        o.add("top", arr);
                        out.println(new GsonBuilder().create().toJson(o));
                    } else {
                        StringBuilder sb = new StringBuilder(images.get(i).toString()).append(':');
                        for (int j = 0; j < k; j++) {
                            sb.append(j == 0 ? " " : ", ")
                                    .append(names == null ? "class " + order[j] : names.get(order[j]))
                                    .append(String.format(Locale.ROOT, " (%.1f%%)", 100 * p[order[j]]));
                        }
                        out.println(sb);
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    private static List<String> readLabels(Path file) throws IOException {
        Cli.requireReadableFile(file, "labels file");
        return LabelsFile.read(file);
    }
}
