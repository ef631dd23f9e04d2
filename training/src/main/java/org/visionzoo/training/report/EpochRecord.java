package org.visionzoo.training.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The metrics of one training epoch: one line of a {@link MetricsLog}.
 *
 * <p>Accuracies are fractions in [0, 1] (not percent). The validation fields are {@link
 * Double#NaN} for an epoch without validation. In JSON every non-finite number (NaN, or an
 * infinity such as a diverged loss) is written as {@code null}, and {@code null} is read back as
 * NaN, so a line is always strict JSON.
 *
 * <p>A line has the keys {@code epoch, train_loss, train_top1, val_loss, val_top1, val_top5, lr,
 * images_per_second, seconds} in that order, followed by the extra metrics sorted by key, e.g.
 * {@code {"epoch":3,"train_loss":0.41,...,"seconds":61.2,"ema_val_top1":0.91}}.
 *
 * @param epoch the 1-based epoch number
 * @param trainLoss the mean training loss over the epoch
 * @param trainTop1 the training top-1 accuracy, a fraction in [0, 1], or NaN
 * @param valLoss the validation loss, or NaN if the epoch was not validated
 * @param valTop1 the validation top-1 accuracy, a fraction in [0, 1], or NaN
 * @param valTop5 the validation top-5 accuracy, a fraction in [0, 1], or NaN
 * @param lr the learning rate at the end of the epoch
 * @param imagesPerSecond the training throughput over the epoch
 * @param seconds the wall-clock duration of the epoch, validation included
 * @param extra further metrics by name (e.g. {@code ema_val_top1}); an unmodifiable copy, empty if
 *     none
 */
public record EpochRecord(
        int epoch,
        double trainLoss,
        double trainTop1,
        double valLoss,
        double valTop1,
        double valTop5,
        double lr,
        double imagesPerSecond,
        double seconds,
        Map<String, Double> extra) {

    /** The fixed keys of a JSON line, in the order they are written. */
    private static final List<String> KEYS = List.of("epoch", "train_loss", "train_top1",
            "val_loss", "val_top1", "val_top5", "lr", "images_per_second", "seconds");

    /**
     * Checks the values and copies {@code extra}.
     *
     * @param epoch the 1-based epoch number
     * @param trainLoss the mean training loss
     * @param trainTop1 the training top-1 accuracy (a fraction) or NaN
     * @param valLoss the validation loss or NaN
     * @param valTop1 the validation top-1 accuracy (a fraction) or NaN
     * @param valTop5 the validation top-5 accuracy (a fraction) or NaN
     * @param lr the learning rate
     * @param imagesPerSecond the training throughput
     * @param seconds the epoch's duration
     * @param extra further metrics by name; null for none
     * @throws IllegalArgumentException if epoch &lt; 1, an accuracy is neither NaN nor in [0, 1],
     *     or an extra key is blank or one of the fixed keys
     * @throws NullPointerException if {@code extra} holds a null key or value
     */
    public EpochRecord {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1 (1-based): " + epoch);
        }
        checkFraction("trainTop1", trainTop1);
        checkFraction("valTop1", valTop1);
        checkFraction("valTop5", valTop5);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
        for (String key : extra.keySet()) {
            if (key.isBlank() || KEYS.contains(key)) {
                throw new IllegalArgumentException("extra metric name must be non-blank and not"
                        + " one of " + KEYS + ": '" + key + "'");
            }
        }
    }

    private static void checkFraction(String name, double value) {
        if (!Double.isNaN(value) && !(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(
                    name + " must be a fraction in [0, 1] or NaN: " + value);
        }
    }

    /**
     * Whether this epoch has a validation result.
     *
     * @return {@code true} if {@link #valLoss()} or {@link #valTop1()} is a number
     */
    public boolean validated() {
        return !Double.isNaN(valLoss) || !Double.isNaN(valTop1);
    }

    /**
     * This record as a JSON object: the fixed keys in order, then the extra metrics sorted by key;
     * non-finite numbers become {@code null}.
     *
     * @return a new object
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("epoch", epoch);
        o.add("train_loss", number(trainLoss));
        o.add("train_top1", number(trainTop1));
        o.add("val_loss", number(valLoss));
        o.add("val_top1", number(valTop1));
        o.add("val_top5", number(valTop5));
        o.add("lr", number(lr));
        o.add("images_per_second", number(imagesPerSecond));
        o.add("seconds", number(seconds));
        for (Map.Entry<String, Double> e : new TreeMap<>(extra).entrySet()) {
            o.add(e.getKey(), number(e.getValue()));
        }
        return o;
    }

    /**
     * This record as one line of JSON, without a line terminator.
     *
     * @return the compact JSON text of {@link #toJson()}
     */
    public String toJsonLine() {
        return toJson().toString();
    }

    private static JsonElement number(double value) {
        return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
    }

    /**
     * Parses a line written by {@link #toJsonLine()}. Every fixed key must be present (a number,
     * or {@code null} for NaN, except {@code epoch}, which must be an integer); every other key is
     * an extra metric and must be a number or {@code null}.
     *
     * @param line one JSON object
     * @return the record
     * @throws IllegalArgumentException if the line is not a JSON object, a fixed key is missing
     *     (the message names it), or a value is not a number of the right kind
     * @throws NullPointerException if {@code line} is null
     */
    public static EpochRecord fromJson(String line) {
        Objects.requireNonNull(line, "line");
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(line);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        if (!parsed.isJsonObject()) {
            throw new IllegalArgumentException("expected a JSON object, got: " + abbreviate(line));
        }
        JsonObject o = parsed.getAsJsonObject();
        for (String key : KEYS) {
            if (!o.has(key)) {
                throw new IllegalArgumentException("missing key '" + key + "'");
            }
        }
        double epoch = read(o, "epoch");
        if (epoch != Math.rint(epoch) || epoch < 1 || epoch > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'epoch' must be an integer >= 1: " + o.get("epoch"));
        }
        Map<String, Double> extra = new TreeMap<>();
        for (String key : o.keySet()) {
            if (!KEYS.contains(key)) {
                extra.put(key, read(o, key));
            }
        }
        return new EpochRecord((int) epoch, read(o, "train_loss"), read(o, "train_top1"),
                read(o, "val_loss"), read(o, "val_top1"), read(o, "val_top5"), read(o, "lr"),
                read(o, "images_per_second"), read(o, "seconds"), extra);
    }

    private static double read(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e.isJsonNull()) {
            return Double.NaN;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return e.getAsDouble();
        }
        throw new IllegalArgumentException("'" + key + "' must be a number or null: " + e);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
