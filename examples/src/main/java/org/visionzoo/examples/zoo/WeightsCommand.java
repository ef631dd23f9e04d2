package org.visionzoo.examples.zoo;

import com.google.gson.GsonBuilder;

import org.visionzoo.core.io.Download;
import org.visionzoo.core.pretrained.EvalTransform;
import org.visionzoo.core.pretrained.Pretrained;
import org.visionzoo.core.pretrained.PretrainedWeights;
import org.visionzoo.core.pretrained.WeightsCatalogue;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code zoo weights}: torchvision's pretrained weights: the catalogue, downloads, the cache. */
@Command(
        name = "weights",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "torchvision's ImageNet weights: list the catalogue, download, verify the cache.",
        description = {
            "",
            "The catalogue is generated from torchvision 0.14's Weights enums. Files go to"
                    + " $VISIONZOO_HOME/weights, else ~/.cache/visionzoo/weights; VISIONZOO_WEIGHTS_URL"
                    + " names a mirror (a base URL the file names are appended to).",
            ""
        },
        subcommands = {WeightsCommand.ListWeights.class, WeightsCommand.DownloadWeights.class,
            WeightsCommand.VerifyWeights.class})
final class WeightsCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new Errors.UsageError(spec.commandLine(), "expected a subcommand: list, download or verify");
    }

    /** {@code zoo weights list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Print the catalogue: model, tag, ImageNet accuracy, parameters, size, eval transform.",
            footer = {"", "JSON fields: model, tag, default, acc1, acc5, params, approx_bytes, resize, crop,"
                    + " interpolation, mean, std, url, sha256_prefix, recipe, cached."})
    static final class ListWeights implements Runnable {

        @Option(names = "--json", description = "Print a JSON array instead of a table.")
        boolean json;

        @Option(names = {"-m", "--model"}, paramLabel = "NAME", description = "Only this model's entries.")
        String model;

        @Spec CommandSpec spec;

        @Override
        public void run() {
            Pretrained settings = Pretrained.standard();
            WeightsCatalogue c = settings.catalogue();
            List<PretrainedWeights> entries = model == null ? c.entries() : c.forModel(model);
            if (model != null && entries.isEmpty()) {
                throw new Errors.UsageError(spec.commandLine(), "no weights for model '" + model
                        + "'; models with weights: " + String.join(", ", c.models()));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (PretrainedWeights w : entries) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    EvalTransform t = w.transform();
                    e.put("model", w.model());
                    e.put("tag", w.tag());
                    e.put("default", w.isDefault());
                    e.put("acc1", w.acc1());
                    e.put("acc5", w.acc5());
                    e.put("params", w.numParams());
                    e.put("approx_bytes", w.approximateBytes());
                    e.put("resize", t.resizeSize());
                    e.put("crop", t.cropSize());
                    e.put("interpolation", t.interpolation().torchvisionName());
                    e.put("mean", t.mean());
                    e.put("std", t.std());
                    e.put("url", w.url().toString());
                    e.put("sha256_prefix", w.sha256Prefix());
                    e.put("recipe", w.recipe());
                    e.put("cached", Files.isRegularFile(settings.cachePath(w)));
                    rows.add(e);
                }
                out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(rows));
            } else {
                out.print(table(entries, settings));
            }
            out.flush();
        }

        static String table(List<PretrainedWeights> entries, Pretrained settings) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"MODEL", "TAG", "ACC@1", "ACC@5", "PARAMS", "SIZE", "EVAL", "CACHED"});
            for (PretrainedWeights w : entries) {
                EvalTransform t = w.transform();
                rows.add(new String[] {w.model(), w.tag() + (w.isDefault() ? " *" : ""),
                    String.format(Locale.ROOT, "%.3f", w.acc1()), String.format(Locale.ROOT, "%.3f", w.acc5()),
                    Cli.count(w.numParams()), String.format(Locale.ROOT, "%.1f MB", w.approximateBytes() / 1e6),
                    t.resizeSize() + "/" + t.cropSize() + " " + t.interpolation().torchvisionName(),
                    Files.isRegularFile(settings.cachePath(w)) ? "yes" : ""});
            }
            int[] widths = new int[rows.get(0).length];
            for (String[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    widths[i] = Math.max(widths[i], r[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < r.length; i++) {
                    boolean left = i < 2 || i >= 6;
                    line.append(String.format(Locale.ROOT, "%" + (left ? "-" : "") + widths[i] + "s  ", r[i]));
                }
                sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
            }
            sb.append(entries.size()).append(" entries (* the model's default), from ")
                    .append(settings.catalogue().source()).append("; cache: ").append(settings.cacheDir())
                    .append(System.lineSeparator());
            return sb.toString();
        }
    }

    /** {@code zoo weights download}. */
    @Command(name = "download", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Download weights into the cache (checksummed) and print their paths.",
            footer = {"", "Example: zoo weights download resnet50 resnet50:IMAGENET1K_V1"})
    static final class DownloadWeights implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "NAME[:TAG]", description = "Model names, with a tag or not"
                + " (the default).")
        List<String> ids;

        @Mixin PretrainedOption pretrained = new PretrainedOption();

        @Spec CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<PretrainedWeights> entries = new ArrayList<>();
            for (String id : ids) {
                try {
                    entries.add(pretrained.settings().catalogue().byId(id));
                } catch (IllegalArgumentException e) {
                    throw new Errors.UsageError(spec.commandLine(), e.getMessage());
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            for (PretrainedWeights w : entries) {
                Path file = pretrained.fetch(w, spec.commandLine().getErr());
                out.println(w.id() + " " + file);
                out.flush();
            }
            return 0;
        }
    }

    /** {@code zoo weights verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Re-hash the cached weights files against their SHA-256 prefixes (exit 1 if one is bad).")
    static final class VerifyWeights implements Callable<Integer> {

        @Parameters(arity = "0..*", paramLabel = "NAME[:TAG]", description = "Only these (default: every cached file).")
        List<String> ids;

        @Spec CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Pretrained settings = Pretrained.standard();
            List<PretrainedWeights> entries = new ArrayList<>();
            if (ids == null || ids.isEmpty()) {
                entries.addAll(settings.catalogue().entries());
            } else {
                for (String id : ids) {
                    try {
                        entries.add(settings.catalogue().byId(id));
                    } catch (IllegalArgumentException e) {
                        throw new Errors.UsageError(spec.commandLine(), e.getMessage());
                    }
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            int checked = 0;
            int bad = 0;
            for (PretrainedWeights w : entries) {
                Path file = settings.cachePath(w);
                if (!Files.isRegularFile(file)) {
                    if (ids != null && !ids.isEmpty()) {
                        out.println("missing " + w.id() + " " + file);
                        bad++;
                    }
                    continue;
                }
                checked++;
                String digest = Download.sha256(file);
                if (digest.startsWith(w.sha256Prefix())) {
                    out.println("ok      " + w.id() + " " + file);
                } else {
                    bad++;
                    out.println("BAD     " + w.id() + " " + file + ": SHA-256 " + digest + " does not begin with "
                            + w.sha256Prefix() + " (delete it; it is downloaded again on next use)");
                }
            }
            out.println(checked + " cached file" + (checked == 1 ? "" : "s") + " checked, " + bad + " bad or missing, in "
                    + settings.cacheDir());
            out.flush();
            return bad == 0 ? 0 : 1;
        }
    }
}
