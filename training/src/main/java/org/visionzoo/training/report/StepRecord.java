package org.visionzoo.training.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.util.Locale;

/**
 * The training loss and accuracy over a window of steps (optimizer updates): one line of {@code
 * steps.jsonl}, the points of the per-step curves.
 *
 * @param step the global step at the end of the window, 1-based
 * @param epoch where the window ends, in epochs done: {@code 1.5} is half-way through the second
 * @param trainLoss the mean training loss over the window
 * @param trainTop1 the training top-1 accuracy over the window, a fraction, or NaN (soft targets)
 * @param lr the learning rate of the window's last step
 */
public record StepRecord(long step, double epoch, double trainLoss, double trainTop1, double lr) {

    /**
     * Checks the values.
     *
     * @param step the global step, at least 1
     * @param epoch the position in epochs, at least 0
     * @param trainLoss the mean loss
     * @param trainTop1 the accuracy or NaN
     * @param lr the learning rate
     * @throws IllegalArgumentException if the step is below 1 or the epoch negative
     */
    public StepRecord {
        if (step < 1) {
            throw new IllegalArgumentException("step must be >= 1, got " + step);
        }
        if (!(epoch >= 0)) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
    }

    /**
     * This record as one line of JSON (non-finite numbers as {@code null}).
     *
     * @return the line, without a line break
     */
    public String toJsonLine() {
        return String.format(Locale.ROOT, "{\"step\":%d,\"epoch\":%s,\"train_loss\":%s,\"train_top1\":%s,\"lr\":%s}",
                step, number(epoch), number(trainLoss), number(trainTop1), number(lr));
    }

    /**
     * Parses a line written by {@link #toJsonLine()}.
     *
     * @param line the line
     * @return the record
     * @throws IllegalArgumentException if the line is not such a record
     */
    public static StepRecord fromJson(String line) {
        try {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            return new StepRecord(o.get("step").getAsLong(), value(o, "epoch"), value(o, "train_loss"),
                    value(o, "train_top1"), value(o, "lr"));
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException
                | NumberFormatException e) {
            throw new IllegalArgumentException("not a step record: " + e.getMessage(), e);
        }
    }

    private static double value(JsonObject o, String key) {
        return o.get(key) == null || o.get(key).isJsonNull() ? Double.NaN : o.get(key).getAsDouble();
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
