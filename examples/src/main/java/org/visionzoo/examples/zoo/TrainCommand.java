package org.visionzoo.examples.zoo;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import org.visionzoo.core.io.AtomicFile;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.weights.LoadOptions;
import org.visionzoo.core.weights.LoadReport;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.training.data.DataLoader;
import org.visionzoo.training.data.ImageFolder;
import org.visionzoo.training.data.LabeledImages;
import org.visionzoo.training.loop.Checkpoint;
import org.visionzoo.training.loop.Devices;
import org.visionzoo.training.loop.EpochPrinter;
import org.visionzoo.training.loop.EvalResult;
import org.visionzoo.training.loop.FitResult;
import org.visionzoo.training.loop.RunMetadata;
import org.visionzoo.training.loop.Trainer;
import org.visionzoo.training.loop.TrainerConfig;
import org.visionzoo.training.loop.TrainingDivergedException;
import org.visionzoo.training.recipe.OptimizerName;
import org.visionzoo.training.recipe.Recipe;
import org.visionzoo.training.recipe.ScheduleName;
import org.visionzoo.training.report.EpochRecord;
import org.visionzoo.training.report.TrainingProgress;
import org.visionzoo.training.transform.BatchTransform;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code zoo train}: trains a registered model on a dataset. */
@Command(
        mixinStandardHelpOptions = true,
        name = "train",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Trains a model on a dataset: per-epoch progress, metrics.jsonl, loss/accuracy plots, a",
            "checkpoint after every epoch (--resume continues it exactly) and, at the end,",
            "model.safetensors (torchvision keys) with model.json for 'zoo eval' and 'zoo predict'.",
            "The model adapts to the data (input channels, class count). Validation is the",
            "dataset's official test split (an image folder's val/ or a seeded --val-split)."
        },
        footer = {
            "",
            "Example (the figures in docs/training.md):",
            "  zoo train --model resnet20 --dataset fashion-mnist --epochs 2 --batch-size 128 \\",
            "      --optimizer sgd --lr 0.1 --schedule cosine --seed 5 --out runs/r20"
        })
final class TrainCommand extends ZooCommand {

    @Mixin ModelOptions modelOptions = new ModelOptions();

    @Mixin DataOptions data = new DataOptions();

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 10;

    @Option(names = "--batch-size", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 128;

    @Option(names = "--optimizer", paramLabel = "OPT", description = "sgd or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer = "sgd";

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: 0.1 for sgd, 0.001 for adamw).")
    Float lr;

    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum = 0.9f;

    @Option(names = "--nesterov", negatable = true, description = "Nesterov momentum for SGD (default: on).")
    boolean nesterov = true;

    @Option(names = "--weight-decay", paramLabel = "WD",
            description = "Weight decay, not applied to batch-norm and bias parameters (default: 5e-4 for sgd, 0.05 for adamw).")
    Float weightDecay;

    @Option(names = "--schedule", paramLabel = "S", description = "cosine, step, onecycle or constant, stepped per iteration (default: ${DEFAULT-VALUE}).")
    String schedule = "cosine";

    @Option(names = "--warmup-epochs", paramLabel = "E", description = "Linear warmup epochs for cosine (default: ${DEFAULT-VALUE}).")
    double warmupEpochs = 0;

    @Option(names = "--label-smoothing", paramLabel = "EPS", description = "Label smoothing (default: ${DEFAULT-VALUE}).")
    float labelSmoothing = 0f;

    @Option(names = "--mixup", paramLabel = "ALPHA", description = "Mixup with this alpha (default: off).")
    double mixup = 0;

    @Option(names = "--cutmix", paramLabel = "ALPHA", description = "CutMix with this alpha (default: off; with --mixup, one of the two per batch).")
    double cutmix = 0;

    @Option(names = "--augment", paramLabel = "A", description = "basic (crop and flip) or trivial (plus TrivialAugmentWide) (default: ${DEFAULT-VALUE}).")
    String augment = "basic";

    @Option(names = "--random-erasing", paramLabel = "P", description = "Random erasing probability (default: ${DEFAULT-VALUE}).")
    double randomErasing = 0;

    @Option(names = "--ema", paramLabel = "DECAY", description = "Keep an EMA of the weights with this decay, e.g. 0.999, and evaluate on it (default: off).")
    float ema = 0f;

    @Option(names = "--grad-clip", paramLabel = "NORM", description = "Clip gradients to this global norm (default: off).")
    float gradClip = 0f;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Initialise from a safetensors file (torchvision keys); a head of another size is re-initialised.")
    Path weights;

    @Mixin PretrainedOption pretrained = new PretrainedOption();

    @Option(names = "--freeze-backbone", description = "Train the head only (fine-tuning from --weights or --pretrained).")
    boolean freezeBackbone;

    @Option(names = "--device", paramLabel = "D", description = "auto, cpu, gpu, gpu:0,1 (default: ${DEFAULT-VALUE}).")
    String device = "auto";

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the initial weights, the data order and the augmentation (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--workers", paramLabel = "W", description = "Threads decoding and augmenting ahead of the model (default: ${DEFAULT-VALUE}).")
    int workers = 2;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<model>-<dataset>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint, with the options it was"
            + " started with (a difference is an error unless --accept-changes).")
    boolean resume;

    @Option(names = "--accept-changes", description = "With --resume: continue with options that differ from the"
            + " run's (more --epochs, say); the differences are listed.")
    boolean acceptChanges;

    @Option(names = "--image-size", paramLabel = "S", description = "Input size (default: the dataset's for MNIST/CIFAR, else the model's).")
    Integer imageSize;

    @Option(names = "--val-split", paramLabel = "F",
            description = "Validate on a seeded, per-class fraction F of the training data instead of the official test split"
                    + " (an image folder without val/: default 0.1).")
    Double valSplit;

    @Mixin TrainRunOptions run = new TrainRunOptions();

    @Option(names = "--val-limit", paramLabel = "N", description = "Validate on the first N images only (quick runs).")
    Integer valLimit;

    @Option(names = "--patience", paramLabel = "E", description = "Stop when validation top-1 has not improved for E epochs (default: off).")
    Integer patience;

    @Option(names = "--skip-bad-images", description = "Skip image files that do not decode (with a warning) instead of failing.")
    boolean skipBadImages;

    @Mixin ImageLimitOption imageLimit = new ImageLimitOption();

    /** The outcome, for {@code zoo demo}. */
    FitResult result;

    /** The run directory used. */
    Path runDirectory;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        ModelSpec entry = modelOptions.entry(spec);
        validate();
        DataSetup.Spec ds = data.parse(spec);
        Path dir = out(entry, ds);
        Cli.requireDirectoryOrAbsent(spec, "--out", dir);
        runDirectory = dir;
        Path checkpoint = dir.resolve(Checkpoint.FILE);
        if (resume && !Files.isRegularFile(checkpoint)) {
            throw usage("--resume: no checkpoint in " + dir + " (expected " + checkpoint + ")");
        }
        if (!resume && Files.exists(checkpoint)) {
            throw usage(dir + " already holds a run (" + Checkpoint.FILE
                    + "): pass --resume to continue it, or choose another --out");
        }
        if (acceptChanges && !resume) {
            throw usage("--accept-changes goes with --resume");
        }
        if (resume) {
            checkResumedOptions(checkpoint, entry, ds, out);
        }
        List<Device> devices;
        try {
            devices = Devices.parse(device);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        ImageFolder.Options folderOptions = ImageFolder.Options.defaults().skipUndecodable(skipBadImages)
                .maxImagePixels(imageLimit.decoder(spec).maxPixels());
        DataSetup.Data d = data.load(spec, ds, valSplit, seed, folderOptions);
        LabeledImages train = run.limit == null ? d.train() : d.train().first(run.limit);
        LabeledImages val = valLimit == null ? d.val() : d.val().first(valLimit);
        int classes = d.classNames().size();
        if (modelOptions.numClasses() != null && modelOptions.numClasses() != classes) {
            throw usage("--num-classes " + modelOptions.numClasses() + " does not match the dataset's "
                    + classes + " classes (leave it out: the model adapts to the data)");
        }
        int size = DataSetup.imageSize(ds, imageSize, entry.imageSize());
        int channels = d.channels();
        out.printf(Locale.ROOT, "data: %s, %s train / %s validation images, %d channel%s, %d classes%n",
                ds.name(), Cli.count(train.size()), Cli.count(val.size()), channels,
                channels == 1 ? "" : "s", classes);
        out.flush();
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) (seed & 0x7fffffff));
        try (NDManager manager = NDManager.newBaseManager(devices.get(0));
                DataLoader trainLoader = DataLoader.builder(train).batchSize(batchSize).shuffle(true)
                        .transform(DataSetup.trainTransform(ds, size, d.normalize(), augment, randomErasing))
                        .batchTransform(BatchTransform.mixing(mixup, cutmix, classes)).seed(seed).workers(workers).build();
                DataLoader valLoader = DataLoader.builder(val).batchSize(Math.max(batchSize, 256))
                        .transform(DataSetup.evalTransform(ds.kind().nativeSize, size, d.normalize()))
                        .workers(workers).build()) {
            ImageClassifier model = run.memoryOrder.apply(entry.create(classes, channels));
            model.initialize(manager, size);
            if (pretrained.requestedInstead(spec, weights)) {
                out.println(pretrained.loadInto(spec, model, entry.name()));
            }
            if (weights != null) {
                loadInitialWeights(model, out);
            }
            if (freezeBackbone) {
                model.freezeBackbone(true);
            }
            out.printf(Locale.ROOT, "model: %s, %s parameters, %d classes, %dx%dx%d input, on %s, %s order%n",
                    entry.name(), Cli.count(org.visionzoo.core.model.ModelSummary.countParameters(model)), classes,
                    channels, size, size, devices.size() == 1 ? devices.get(0) : devices,
                    model.memoryFormat().channelsLastOn(devices.get(0), true) ? "channels-last" : "contiguous");
            out.flush();
            try (Trainer trainer = trainer(model, devices, entry, classes, channels, size, dir, ds, out)) {
                if (resume) {
                    Checkpoint.State s = trainer.resume(checkpoint);
                    out.printf(Locale.ROOT, "resuming %s after epoch %d (step %d)%n", checkpoint, s.epochsDone(),
                            s.globalStep());
                    out.flush();
                }
                long t0 = System.nanoTime();
                try {
                    result = trainer.fit(trainLoader, valLoader);
                } catch (TrainingDivergedException e) {
                    err().println("zoo: " + e.getMessage());
                    return Errors.FAILURE;
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                finish(trainer, entry, ds, d, classes, channels, size, dir, seconds, out);
            }
        }
        return 0;
    }

    private Trainer trainer(ImageClassifier model, List<Device> devices, ModelSpec entry, int classes,
            int channels, int size, Path dir, DataSetup.Spec ds, PrintWriter out) {
        TrainerConfig.Builder b = recipe().applyTo(Trainer.builder(model))
                .epochs(epochs)
                .seed(seed)
                .runDirectory(dir)
                .progress(!run.quiet && System.console() != null, System.err)
                .title(entry.name() + " on " + ds.name())
                .metadata(new RunMetadata(entry.name(), ds.name(), classes, channels, size, runOptions(entry, ds)))
                .listener(new EpochPrinter(out, epochs));
        if (ema > 0) {
            b.ema(ema);
        }
        if (gradClip > 0) {
            b.gradClipNorm(gradClip);
        }
        if (patience != null) {
            b.earlyStopping(patience, 0);
        }
        if (devices.size() > 1) {
            b.devices(devices, m -> {
                ImageClassifier r = run.memoryOrder.apply(entry.create(classes, channels));
                r.initialize(m, size);
                return r;
            });
        }
        return b.build();
    }

    /** The recipe the options give: the optimizer's defaults, changed by the options set. */
    private Recipe recipe() {
        Recipe r = Recipe.defaults(OptimizerName.parse(optimizer)).withMomentum(momentum, nesterov)
                .withSchedule(ScheduleName.parse(schedule), warmupEpochs).withLabelSmoothing(labelSmoothing);
        r = lr == null ? r : r.withLr(lr);
        return weightDecay == null ? r : r.withWeightDecay(weightDecay);
    }

    /**
     * The options that decide what a run computes, as recorded in its checkpoint, by command-line
     * name; defaults resolved, so that a default that changes between versions shows too.
     */
    private Map<String, String> runOptions(ModelSpec entry, DataSetup.Spec ds) {
        Recipe r = recipe();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("--model", entry.name());
        o.put("--dataset", ds.name());
        o.put("--epochs", Integer.toString(epochs));
        o.put("--batch-size", Integer.toString(batchSize));
        o.put("--optimizer", r.optimizer().id());
        o.put("--lr", Float.toString(r.lr()));
        o.put("--weight-decay", Float.toString(r.weightDecay()));
        o.put("--momentum", Float.toString(momentum));
        o.put("--nesterov", Boolean.toString(nesterov));
        o.put("--schedule", r.schedule().id());
        o.put("--warmup-epochs", Double.toString(warmupEpochs));
        o.put("--label-smoothing", Float.toString(labelSmoothing));
        o.put("--mixup", Double.toString(mixup));
        o.put("--cutmix", Double.toString(cutmix));
        o.put("--augment", augment);
        o.put("--random-erasing", Double.toString(randomErasing));
        o.put("--ema", Float.toString(ema));
        o.put("--grad-clip", Float.toString(gradClip));
        o.put("--image-size", imageSize == null ? "default" : imageSize.toString());
        o.put("--val-split", valSplit == null ? "default" : valSplit.toString());
        o.put("--limit", run.limit == null ? "none" : run.limit.toString());
        o.put("--val-limit", valLimit == null ? "none" : valLimit.toString());
        o.put("--seed", Long.toString(seed));
        return o;
    }

    /**
     * Compares this command's options with those the run was started with: a difference is a
     * usage error unless --accept-changes, which lists them and goes on.
     */
    private void checkResumedOptions(Path checkpoint, ModelSpec entry, DataSetup.Spec ds, PrintWriter out)
            throws IOException {
        List<String> differences = Checkpoint.readState(checkpoint).metadata()
                .map(m -> m.differences(runOptions(entry, ds))).orElse(List.of());
        if (differences.isEmpty()) {
            return;
        }
        if (!acceptChanges) {
            throw usage("--resume: options differ from the run's: " + String.join(", ", differences)
                    + "; pass the run's values, or --accept-changes to continue with the new ones");
        }
        out.println("resuming with changed options: " + String.join(", ", differences));
        out.flush();
    }

    private void finish(Trainer trainer, ModelSpec entry, DataSetup.Spec ds, DataSetup.Data d, int classes,
            int channels, int size, Path dir, double seconds, PrintWriter out) throws IOException {
        Path modelFile = dir.resolve("model.safetensors");
        Checkpoint.exportWeights(dir.resolve(Checkpoint.FILE), modelFile, ema > 0);
        new RunInfo(entry.name(), classes, channels, size, ds.kind().nativeSize, d.normalize().mean(), d.normalize().std(),
                d.classNames(), ds.name()).write(dir);
        AtomicFile.write(dir.resolve("labels.txt"),
                (String.join("\n", d.classNames()) + "\n").getBytes(StandardCharsets.UTF_8));
        if (result.stopReason() != null) {
            out.println("stopped: " + result.stopReason());
        }
        EpochRecord last = result.last();
        EvalResult val = result.lastValidation();
        out.printf(Locale.ROOT, "%s on %s: validation top-1 %.2f%%, top-5 %.2f%% after epoch %d (%s in this run)%n",
                entry.name(), ds.name(), 100 * last.valTop1(), 100 * last.valTop5(), last.epoch(),
                TrainingProgress.formatDuration(seconds));
        if (val != null && classes <= 20) {
            out.println("per-class validation accuracy:");
            double[] acc = val.perClassAccuracy();
            for (int k = 0; k < classes; k++) {
                out.printf(Locale.ROOT, "  %-14s %6.2f%%%n", d.classNames().get(k), 100 * acc[k]);
            }
        }
        out.printf("wrote %s, %s (%s), %s, %s and the plots %s, %s%n", dir.resolve(Checkpoint.FILE), modelFile,
                ema > 0 ? "EMA weights" : "weights", dir.resolve(RunInfo.FILE), dir.resolve("metrics.jsonl"),
                dir.resolve("loss.png"), dir.resolve("accuracy.png"));
        out.flush();
    }

    private void loadInitialWeights(ImageClassifier model, PrintWriter out) throws IOException {
        Cli.requireReadableFile(weights, "weights file");
        String head = model.headName() + ".";
        LoadReport report = Weights.load(model, weights, LoadOptions.strict().replacingMismatched(head));
        boolean headFits = report.excluded().stream().noneMatch(k -> k.startsWith(head));
        out.printf("weights: %d tensors from %s%s%n", report.loaded().size(), weights,
                headFits ? "" : "; the head '" + model.headName() + "' has another size there and starts fresh");
    }

    private Path out(ModelSpec entry, DataSetup.Spec ds) {
        if (out != null) {
            return out;
        }
        String name = ds.kind() == DataSetup.Kind.FOLDER ? ds.folder().getFileName().toString() : ds.kind().option();
        return Path.of("runs", entry.name() + "-" + name);
    }

    private void validate() {
        require(epochs >= 1, "--epochs", ">= 1", epochs);
        require(batchSize >= 1, "--batch-size", ">= 1", batchSize);
        try {
            OptimizerName.parse(optimizer);
            ScheduleName.parse(schedule);
        } catch (IllegalArgumentException e) {
            throw usage("--" + e.getMessage());
        }
        require(List.of("basic", "trivial").contains(augment), "--augment", "basic or trivial", "'" + augment + "'");
        require(lr == null || lr > 0 && Float.isFinite(lr), "--lr", "> 0", lr);
        require(weightDecay == null || weightDecay >= 0 && Float.isFinite(weightDecay), "--weight-decay",
                "a finite number >= 0", weightDecay);
        require(momentum >= 0 && momentum < 1, "--momentum", "in [0, 1)", momentum);
        require(labelSmoothing >= 0 && labelSmoothing < 1, "--label-smoothing", "in [0, 1)", labelSmoothing);
        require(warmupEpochs >= 0 && warmupEpochs < epochs, "--warmup-epochs", "in [0, --epochs)", warmupEpochs);
        if (!(mixup >= 0 && Double.isFinite(mixup)) || !(cutmix >= 0 && Double.isFinite(cutmix))) {
            throw usage("--mixup and --cutmix take a finite alpha >= 0, got " + mixup + " and " + cutmix);
        }
        require(randomErasing >= 0 && randomErasing <= 1, "--random-erasing", "in [0, 1]", randomErasing);
        require(ema >= 0 && ema < 1, "--ema", "in (0, 1), e.g. 0.999", ema);
        require(gradClip >= 0 && Float.isFinite(gradClip), "--grad-clip", "a finite number >= 0", gradClip);
        require(workers >= 0, "--workers", ">= 0", workers);
        require(imageSize == null || imageSize >= 8, "--image-size", ">= 8", imageSize);
        require(valSplit == null || valSplit > 0 && valSplit < 1, "--val-split", "in (0, 1)", valSplit);
        require(run.limit == null || run.limit >= 1, "--limit", ">= 1", run.limit);
        require(valLimit == null || valLimit >= 1, "--val-limit", ">= 1", valLimit);
        require(patience == null || patience >= 1, "--patience", ">= 1", patience);
    }
}
