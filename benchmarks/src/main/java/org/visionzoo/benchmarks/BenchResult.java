package org.visionzoo.benchmarks;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link Bench#run} measured. The Python side ({@code benchmarks/python/bench.py}) prints the
 * same JSON keys, so {@link #fromJson} reads both.
 *
 * @param model the model name
 * @param mode {@code "eval"} or {@code "train"}
 * @param batch images per iteration
 * @param imageSize the square input size
 * @param threads intra-op threads
 * @param iterations timed iterations
 * @param warmup untimed iterations before them
 * @param msPerIteration the wall time of each timed iteration, in milliseconds, in order
 * @param imagesPerSecond {@code batch * 1000 / msPerBatch}: throughput at the median iteration
 * @param msPerBatch the median of {@code msPerIteration}
 * @param msPerBatchP10 its 10th percentile
 * @param msPerBatchP90 its 90th percentile
 * @param peakRssMb the process's peak resident set size (VmHWM), in MiB, read after the run: it
 *     covers everything the process did before, the runtime's own start-up included
 * @param engine the engine and its version, e.g. {@code "PyTorch 2.7.1 (DJL 0.36.0)"}
 */
public record BenchResult(
        String model,
        String mode,
        int batch,
        int imageSize,
        int threads,
        int iterations,
        int warmup,
        List<Double> msPerIteration,
        double imagesPerSecond,
        double msPerBatch,
        double msPerBatchP10,
        double msPerBatchP90,
        double peakRssMb,
        String engine) {

    /** Writes the components under their JSON keys: {@code imageSize} as {@code image_size}. */
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();

    /** Copies the list. */
    public BenchResult {
        msPerIteration = List.copyOf(msPerIteration);
    }

    /**
     * Builds a result from per-iteration times.
     *
     * @param o the options (image size resolved by the caller)
     * @param imageSize the image size used
     * @param ms per-iteration milliseconds, at least one
     * @param peakRssMb the peak RSS in MiB
     * @param engine the engine description
     * @return the result
     */
    static BenchResult of(BenchOptions o, int imageSize, double[] ms, double peakRssMb, String engine) {
        List<Double> list = new ArrayList<>(ms.length);
        for (double v : ms) {
            list.add(v);
        }
        double median = Stats.percentile(ms, 50);
        return new BenchResult(o.model(), o.mode(), o.batch(), imageSize, o.threads(), o.iterations(), o.warmup(),
                list, o.batch() * 1000.0 / median, median, Stats.percentile(ms, 10), Stats.percentile(ms, 90),
                peakRssMb, engine);
    }

    /**
     * Whether this is a training step measurement.
     *
     * @return {@code mode().equals("train")}
     */
    public boolean train() {
        return "train".equals(mode);
    }

    /**
     * One line of JSON with the keys {@code model, mode, batch, image_size, threads, iterations,
     * warmup, images_per_second, ms_per_batch, ms_per_batch_p10, ms_per_batch_p90, peak_rss_mb,
     * engine, ms_per_iteration}.
     *
     * @return the JSON object, without a line break
     */
    public String toJson() {
        JsonObject o = GSON.toJsonTree(rounded()).getAsJsonObject();
        o.add("ms_per_iteration", o.remove("ms_per_iteration")); // last, as bench.py prints it
        return GSON.toJson(o);
    }

    /** This result with every measured value rounded to 3 decimals, as the JSON gives it. */
    private BenchResult rounded() {
        return new BenchResult(model, mode, batch, imageSize, threads, iterations, warmup,
                msPerIteration.stream().map(BenchResult::round).toList(), round(imagesPerSecond), round(msPerBatch),
                round(msPerBatchP10), round(msPerBatchP90), round(peakRssMb), engine);
    }

    /**
     * Reads a line written by {@link #toJson()} or by {@code bench.py}.
     *
     * @param json one JSON object
     * @return the result
     * @throws IllegalArgumentException if a key is missing or the text is not a JSON object
     */
    public static BenchResult fromJson(String json) {
        JsonObject o;
        try {
            o = JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a JSON object: " + json, e);
        }
        List<Double> times = new ArrayList<>();
        if (o.has("ms_per_iteration")) {
            for (JsonElement e : o.getAsJsonArray("ms_per_iteration")) {
                times.add(e.getAsDouble());
            }
        }
        return new BenchResult(str(o, "model"), str(o, "mode"), num(o, "batch").intValue(),
                num(o, "image_size").intValue(), num(o, "threads").intValue(), num(o, "iterations").intValue(),
                o.has("warmup") ? o.get("warmup").getAsInt() : 0, times, num(o, "images_per_second").doubleValue(),
                num(o, "ms_per_batch").doubleValue(), num(o, "ms_per_batch_p10").doubleValue(),
                num(o, "ms_per_batch_p90").doubleValue(), num(o, "peak_rss_mb").doubleValue(), str(o, "engine"));
    }

    /**
     * A one-line human summary.
     *
     * @return e.g. {@code resnet50 eval b32 224x224, 2 threads: 151.2 ms/batch (p10 150.1, p90
     *     155.0) = 211.6 images/s, peak RSS 812 MiB [PyTorch 2.7.1 (DJL 0.36.0)]}
     */
    public String toText() {
        return String.format(Locale.ROOT,
                "%s %s b%d %dx%d, %d threads: %.1f ms/batch (p10 %.1f, p90 %.1f) = %.1f images/s,"
                        + " peak RSS %.0f MiB [%s]",
                model, mode, batch, imageSize, imageSize, threads, msPerBatch, msPerBatchP10, msPerBatchP90,
                imagesPerSecond, peakRssMb, engine);
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    private static String str(JsonObject o, String key) {
        if (!o.has(key)) {
            throw new IllegalArgumentException("missing key '" + key + "' in " + o);
        }
        return o.get(key).getAsString();
    }

    private static Number num(JsonObject o, String key) {
        if (!o.has(key)) {
            throw new IllegalArgumentException("missing key '" + key + "' in " + o);
        }
        return o.get(key).getAsDouble();
    }
}
