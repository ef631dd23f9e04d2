package org.visionzoo.examples.zoo;

import com.google.gson.GsonBuilder;

import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.ModelSummary;
import org.visionzoo.core.model.Models;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code zoo list}: the registered models, from the registry's metadata (no model is built). */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "List every registered model.",
        description = {
            "",
            "Prints each model's name, family, default image size (the crop the model sees),"
                    + " evaluation resize (the shorter side is resized to it before the centre"
                    + " crop), class count, parameters (counted as PyTorch does) and"
                    + " multiply-accumulates of one image at the default size. Reads the registry"
                    + " only: no model is built.",
            ""
        },
        footerHeading = "%n",
        footer = {
            "JSON fields: name, family, image_size, eval_resize, num_classes, in_channels, params, macs,"
                    + " paper.",
            "Example: zoo list --json | jq -r '.[] | select(.params < 5000000) | .name'",
            ""
        })
final class ListCommand implements Runnable {

    @Option(names = "--json", description = "Print a JSON array of objects instead of a table.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<ModelSpec> models = Models.list();
        if (json) {
            out.println(toJson(models));
        } else {
            out.print(toTable(models));
        }
        out.flush();
    }

    static String toJson(List<ModelSpec> models) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (ModelSpec m : models) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", m.name());
            e.put("family", m.family());
            e.put("image_size", m.imageSize());
            e.put("eval_resize", m.evalResize());
            e.put("num_classes", m.numClasses());
            e.put("in_channels", m.inChannels());
            e.put("params", m.params());
            e.put("macs", m.macs());
            e.put("paper", m.paper());
            entries.add(e);
        }
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(entries);
    }

    static String toTable(List<ModelSpec> models) {
        String[] header = {"NAME", "FAMILY", "SIZE", "RESIZE", "CLASSES", "PARAMS", "MACS"};
        List<String[]> rows = new ArrayList<>();
        rows.add(header);
        for (ModelSpec m : models) {
            rows.add(
                    new String[] {
                        m.name(),
                        m.family(),
                        Integer.toString(m.imageSize()),
                        Integer.toString(m.evalResize()),
                        Integer.toString(m.numClasses()),
                        Cli.count(m.params()),
                        ModelSummary.formatMacs(m.macs())
                    });
        }
        int[] widths = new int[header.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            // Names and families left-aligned, numbers right-aligned.
            sb.append(String.format(
                    Locale.ROOT,
                    "%-" + widths[0] + "s  %-" + widths[1] + "s  %" + widths[2] + "s  %" + widths[3]
                            + "s  %" + widths[4] + "s  %" + widths[5] + "s  %" + widths[6] + "s",
                    (Object[]) row).stripTrailing());
            sb.append(System.lineSeparator());
        }
        sb.append(models.size()).append(" models").append(System.lineSeparator());
        return sb.toString();
    }
}
