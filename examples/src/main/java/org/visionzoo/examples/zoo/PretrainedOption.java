package org.visionzoo.examples.zoo;

import org.visionzoo.core.io.Download;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.pretrained.Pretrained;
import org.visionzoo.core.pretrained.PretrainedWeights;
import org.visionzoo.core.weights.LoadReport;
import org.visionzoo.training.data.DownloadProgress;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Stack;

/** {@code --pretrained [TAG]} and {@code --offline}, shared by predict and train. */
final class PretrainedOption {

    /** What {@code --pretrained} without a tag means. */
    static final String DEFAULT = "DEFAULT";

    @Option(names = "--pretrained", arity = "0..1", paramLabel = "TAG", parameterConsumer = TagConsumer.class,
            description = "torchvision's ImageNet weights for --model, downloaded on first use into the cache"
                    + " (checksummed); TAG as in 'zoo weights list', e.g. IMAGENET1K_V1 (default: the model's"
                    + " default, as torchvision's DEFAULT).")
    String tag;

    @Option(names = "--offline", description = "Never download: a missing file is an error naming the URL and the"
            + " path to put it at (also DJL_OFFLINE=true or -Dvisionzoo.offline=true).")
    boolean offline;

    /** Whether {@code --pretrained} was given. */
    boolean requested() {
        return tag != null;
    }

    /** Whether {@code --pretrained} was given; a usage error if {@code --weights} was too. */
    boolean requestedInstead(CommandSpec spec, Path weights) {
        if (requested() && weights != null) {
            throw new Errors.UsageError(spec.commandLine(), "--weights and --pretrained exclude each other");
        }
        return requested();
    }

    /** The settings: the environment's, {@code --offline}, a progress bar on a terminal. */
    Pretrained settings() {
        Pretrained p = Pretrained.standard()
                .downloadOptions(Download.Options.defaults().progress(DownloadProgress.onTerminal()));
        return offline ? p.offline(true) : p;
    }

    /** The catalogue entry of {@code --pretrained} for a model; a usage error if there is none. */
    PretrainedWeights entry(CommandSpec spec, String model) {
        try {
            return settings().catalogue().get(model, tag);
        } catch (IllegalArgumentException e) {
            throw new Errors.UsageError(spec.commandLine(), "--pretrained: " + e.getMessage());
        }
    }

    /** Fetches an entry's file, saying so on {@code log} when it downloads. */
    Path fetch(PretrainedWeights w, PrintWriter log) throws IOException {
        Pretrained p = settings();
        if (p.find(w).isEmpty() && !p.isOffline()) {
            log.println("zoo: downloading " + w.id() + " from " + p.url(w) + " into " + p.cachePath(w)
                    + " (SHA-256 checked)");
            log.flush();
        }
        return p.fetch(w);
    }

    /**
     * Loads {@code --pretrained}'s weights into an initialised model for fine-tuning (a head of
     * another class count starts fresh) and returns the line that says what was loaded.
     */
    String loadInto(CommandSpec spec, ImageClassifier model, String modelName) throws IOException {
        PretrainedWeights w = entry(spec, modelName);
        if (model.inChannels() != 3) {
            throw new Errors.UsageError(spec.commandLine(), "--pretrained: " + w.id() + " takes 3-channel (RGB) images;"
                    + " this dataset has " + model.inChannels());
        }
        fetch(w, spec.commandLine().getErr());
        LoadReport r = settings().loadInto(model, w);
        return "weights: " + r.loaded().size() + " tensors of " + w.id() + " (ImageNet acc@1 " + w.acc1() + "%)"
                + (model.numClasses() == w.categories().size() ? ""
                        : "; the head '" + model.headName() + "' is new, for " + model.numClasses() + " classes");
    }

    /**
     * Takes the next argument as the tag only if it looks like one (upper-case letters, digits
     * and underscores, as {@code IMAGENET1K_V2}), so {@code --pretrained photo.jpg} leaves the
     * image to the positional parameters.
     */
    static final class TagConsumer implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            if (!args.isEmpty() && args.peek().matches("[A-Z][A-Z0-9_]*")) {
                argSpec.setValue(args.pop());
            } else {
                argSpec.setValue(DEFAULT);
            }
        }
    }
}
