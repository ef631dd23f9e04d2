package org.visionzoo.core.weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A weights file that does not fit the model: every missing key, unexpected key and shape
 * mismatch, reported together by name. The model is left untouched.
 */
public final class WeightsMismatchException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file. */
    private final transient Path file;

    /** The report listing the problems. */
    private final transient LoadReport report;

    WeightsMismatchException(Path file, String model, LoadReport report, boolean strict) {
        super(describe(file, model, report, strict));
        this.file = file;
        this.report = report;
    }

    /**
     * Returns the file that did not fit.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    /**
     * Returns what did not fit.
     *
     * @return the report
     */
    public LoadReport report() {
        return report;
    }

    private static String describe(Path file, String model, LoadReport r, boolean strict) {
        StringBuilder sb = new StringBuilder();
        sb.append("weights file ")
                .append(file)
                .append(" does not fit ")
                .append(model)
                .append(strict ? " (strict load)" : "")
                .append(": ");
        sb.append(r.missing().size()).append(" missing, ");
        sb.append(r.unexpected().size()).append(" unexpected, ");
        sb.append(r.mismatched().size()).append(" shape mismatches, ");
        sb.append(r.badTypes().size()).append(" unsupported dtypes");
        list(sb, "missing keys", r.missing());
        list(sb, "unexpected keys", r.unexpected());
        list(sb, "shape mismatches", r.mismatched().stream().map(LoadReport.Mismatch::toString).toList());
        list(sb, "unsupported dtypes", r.badTypes());
        if (strict && r.mismatched().isEmpty() && r.badTypes().isEmpty()) {
            sb.append("\n(to load a subset, e.g. all but the head, use LoadOptions.lenient() or excluding(prefix))");
        }
        return sb.toString();
    }

    private static void list(StringBuilder sb, String title, List<String> items) {
        if (!items.isEmpty()) {
            sb.append("\n  ").append(title).append(": ").append(String.join(", ", items));
        }
    }
}
