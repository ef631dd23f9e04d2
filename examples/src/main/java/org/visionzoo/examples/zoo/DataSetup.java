package org.visionzoo.examples.zoo;

import org.visionzoo.core.io.Download;
import org.visionzoo.training.data.Cifar;
import org.visionzoo.training.data.DatasetDownloads;
import org.visionzoo.training.data.DatasetException;
import org.visionzoo.training.data.DatasetLocator;
import org.visionzoo.training.data.DownloadProgress;
import org.visionzoo.training.data.ImageFolder;
import org.visionzoo.training.data.LabeledImages;
import org.visionzoo.training.data.MnistFamily;
import org.visionzoo.training.data.Split;
import org.visionzoo.training.data.StratifiedSplit;
import org.visionzoo.training.transform.CenterCrop;
import org.visionzoo.training.transform.EvalPreprocessing;
import org.visionzoo.training.transform.Normalize;
import org.visionzoo.training.transform.RandomCrop;
import org.visionzoo.training.transform.RandomErasing;
import org.visionzoo.training.transform.RandomHorizontalFlip;
import org.visionzoo.training.transform.RandomResizedCrop;
import org.visionzoo.training.transform.Resize;
import org.visionzoo.training.transform.Transform;
import org.visionzoo.training.transform.Transforms;
import org.visionzoo.training.transform.TrivialAugmentWide;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Resolves {@code --dataset} to data, normalisation statistics and the train/eval transforms. */
final class DataSetup {

    /** The datasets {@code --dataset} accepts. */
    enum Kind {
        FASHION_MNIST(28, true),
        MNIST(28, false),
        CIFAR10(32, true),
        CIFAR100(32, true),
        FOLDER(0, true);

        final int nativeSize;
        final boolean flip;

        Kind(int nativeSize, boolean flip) {
            this.nativeSize = nativeSize;
            this.flip = flip;
        }

        /** The name {@code --dataset} takes: the constant's, in lower case with hyphens. */
        String option() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    static final String ACCEPTED = "fashion-mnist, mnist, cifar10, cifar100 or folder:PATH";

    private static final Normalize CIFAR100 = new Normalize(
            new float[] {0.5071f, 0.4865f, 0.4409f}, new float[] {0.2673f, 0.2564f, 0.2762f});

    /** A parsed {@code --dataset}. */
    record Spec(Kind kind, Path folder) {

        String name() {
            return kind == Kind.FOLDER ? "folder:" + folder : kind.option();
        }

        /** The DatasetDownloads id, or null for a folder. */
        String downloadId() {
            return switch (kind) {
                case FASHION_MNIST -> "fashion-mnist";
                case MNIST -> "mnist";
                case CIFAR10 -> "cifar-10";
                case CIFAR100 -> "cifar-100";
                case FOLDER -> null;
            };
        }

        DatasetLocator.Source source() {
            return switch (kind) {
                case FASHION_MNIST -> MnistFamily.FASHION_MNIST.source();
                case MNIST -> MnistFamily.MNIST.source();
                case CIFAR10 -> Cifar.CIFAR_10.source();
                case CIFAR100 -> Cifar.CIFAR_100.source();
                case FOLDER -> null;
            };
        }
    }

    /** The data of a run: both splits, their statistics and the native image size (0 if any). */
    record Data(Spec spec, LabeledImages train, LabeledImages val, Normalize normalize) {

        int channels() {
            return train.channels();
        }

        List<String> classNames() {
            return train.classNames();
        }
    }

    private DataSetup() {}

    /**
     * Parses {@code --dataset}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    static Spec parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.toLowerCase(Locale.ROOT).startsWith("folder:")) {
            String path = t.substring("folder:".length());
            if (path.isBlank()) {
                throw new IllegalArgumentException("--dataset folder:PATH needs a folder, got '" + text + "'");
            }
            return new Spec(Kind.FOLDER, Path.of(path));
        }
        String key = t.toLowerCase(Locale.ROOT).replace("_", "-");
        for (Kind k : Kind.values()) {
            if (k != Kind.FOLDER && (k.option().equals(key) || k.option().equals(key.replace("-", "")))) {
                return new Spec(k, null);
            }
        }
        throw new IllegalArgumentException("--dataset must be " + ACCEPTED + ", got '" + text + "'");
    }

    /**
     * Finds and reads the data: the explicit folder, else the known places, else (with {@code
     * download}) the official files, checksummed, into the cache folder.
     */
    static Data load(Spec spec, Path dataDir, boolean download, Double valFraction, long seed,
            ImageFolder.Options folderOptions, PrintWriter log) throws IOException {
        if (spec.kind() == Kind.FOLDER) {
            ImageFolder.Splits splits = ImageFolder.splits(spec.folder(),
                    valFraction == null ? DEFAULT_VAL_FRACTION : valFraction, seed, folderOptions);
            return new Data(spec, splits.train(), splits.val(),
                    splits.train().channels() == 1
                            ? new Normalize(new float[] {0.449f}, new float[] {0.226f})
                            : Normalize.IMAGENET);
        }
        Path dir = locate(spec, dataDir, download, log);
        Data official = switch (spec.kind()) {
            case FASHION_MNIST -> new Data(spec, MnistFamily.FASHION_MNIST.load(dir, Split.TRAIN),
                    MnistFamily.FASHION_MNIST.load(dir, Split.TEST), Normalize.FASHION_MNIST);
            case MNIST -> new Data(spec, MnistFamily.MNIST.load(dir, Split.TRAIN),
                    MnistFamily.MNIST.load(dir, Split.TEST), Normalize.MNIST);
            case CIFAR10 -> new Data(spec, Cifar.CIFAR_10.load(dir, Split.TRAIN),
                    Cifar.CIFAR_10.load(dir, Split.TEST), Normalize.CIFAR10);
            case CIFAR100 -> new Data(spec, Cifar.CIFAR_100.load(dir, Split.TRAIN),
                    Cifar.CIFAR_100.load(dir, Split.TEST), CIFAR100);
            case FOLDER -> throw new AssertionError();
        };
        if (valFraction == null) {
            return official;
        }
        // --val-split given: hold out a seeded, per-class fraction of the training split instead
        return new Data(spec, StratifiedSplit.heldOut(official.train(), valFraction, seed, false),
                StratifiedSplit.heldOut(official.train(), valFraction, seed, true), official.normalize());
    }

    /** The default held-out fraction of an image folder without val/. */
    static final double DEFAULT_VAL_FRACTION = 0.1;

    static Path locate(Spec spec, Path dataDir, boolean download, PrintWriter log) throws IOException {
        DatasetLocator locator = DatasetLocator.standard();
        try {
            return locator.locate(spec.source(), dataDir);
        } catch (DatasetException e) {
            if (!download || dataDir != null) {
                throw new DatasetException(e.source(), e.getMessage().substring(e.source().length() + 2)
                        + (download ? "" : "\n  or add --download to fetch the official files (checksummed)"));
            }
        }
        List<Path> candidates = locator.candidates(spec.source());
        Path target = candidates.get(candidates.size() - 1);
        log.println("zoo: downloading " + spec.name() + " from its official address into " + target
                + " (SHA-256 checked)");
        log.flush();
        return DatasetDownloads.official().download(spec.downloadId(), target, Download.Options.defaults().progress(DownloadProgress.bar()));
    }

    /** The image size a run uses: the option, else the dataset's native size, else the model's. */
    static int imageSize(Spec spec, Integer option, int modelDefault) {
        if (option != null) {
            return option;
        }
        return spec.kind().nativeSize > 0 ? spec.kind().nativeSize : modelDefault;
    }

    /** The training augmentation. */
    static Transform trainTransform(Spec spec, int size, Normalize normalize, String augment,
            double erasing) {
        List<Transform> ts = new ArrayList<>();
        int nativeSize = spec.kind().nativeSize;
        if (nativeSize > 0) {
            if (size != nativeSize) {
                ts.add(new Resize(size));
            }
            // pad 2 for 28x28 (the recipe of the Fashion-MNIST figures), 4 for 32x32 CIFAR
            ts.add(new RandomCrop(size, size <= 28 ? 2 : size / 8, 0f));
        } else {
            ts.add(new RandomResizedCrop(size));
        }
        if (spec.kind().flip) {
            ts.add(new RandomHorizontalFlip(0.5));
        }
        switch (augment) {
            case "basic" -> { }
            case "trivial" -> ts.add(new TrivialAugmentWide());
            default -> throw new IllegalArgumentException("--augment must be basic or trivial, got '" + augment + "'");
        }
        ts.add(normalize);
        if (erasing > 0) {
            ts.add(new RandomErasing(erasing, 0.02, 0.33, 0.3, 1 / 0.3, new float[] {0f}));
        }
        return Transforms.compose(ts.toArray(new Transform[0]));
    }

    /** The evaluation transform without a model's preset: torchvision's defaults for images. */
    static Transform evalTransform(int nativeSize, int size, Normalize normalize) {
        return evalTransform(null, nativeSize, size, normalize);
    }

    /**
     * The evaluation transform, {@link EvalPreprocessing#evalTransform}: for datasets of one
     * native size, a resize to the model's size if needed; for images (folders, files), the
     * model's torchvision preset, antialiased as PIL, then the centre crop.
     */
    static Transform evalTransform(String model, int nativeSize, int size, Normalize normalize) {
        return EvalPreprocessing.evalTransform(model, nativeSize, size, normalize);
    }
}
