package org.visionzoo.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.when;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import org.visionzoo.training.data.LabelsFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Classifies a folder of images on Spark and writes the predictions as Parquet (or CSV): the
 * example behind {@code ./zoo example spark-classify}, and a job for {@code spark-submit}.
 *
 * <pre>
 * ./zoo example spark-classify --images DIR --model NAME --weights FILE --out DIR [--csv]
 *     [--labels FILE] [--num-classes N] [--image-size S] [--batch-size B] [--threads T]
 *     [--partitions P] [--master URL]
 * </pre>
 *
 * <p>As {@code zoo predict}: a {@code model.json} next to the weights (written by {@code zoo
 * train}) gives the model, input size, normalisation and labels unless options say otherwise.
 * Parquet rows hold the path, the class index ({@code prediction}), the label when known, the
 * probability vector and an error message for images that could not be decoded; CSV rows the path,
 * class index, label (the index when no labels are known), the probability of that class and the
 * error. Without {@code --master} (and outside {@code spark-submit}) Spark runs in this JVM on all
 * cores ({@code local[*]}).
 */
public final class SparkClassify {

    private SparkClassify() {}

    private static final String USAGE = "usage: spark-classify --images DIR --model NAME --weights FILE --out DIR"
            + " [--csv] [--labels FILE] [--num-classes N] [--image-size S] [--batch-size B] [--threads T]"
            + " [--partitions P] [--master URL]";

    /** The parsed command line. */
    static final class Options {
        String images;
        String model;
        String weights;
        String out;
        boolean csv;
        Path labels;
        Integer numClasses;
        Integer imageSize;
        int batchSize = 32;
        int threads;
        int partitions;
        String master;
    }

    /**
     * Runs the job.
     *
     * @param args the options, see the class comment
     * @throws IOException if a labels or model.json file cannot be read
     */
    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("spark-classify: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("visionzoo-spark-classify");
        if (o.master != null) {
            builder.master(o.master);
        } else if (System.getProperty("spark.master") == null) {
            builder.master("local[*]").config("spark.ui.enabled", "false");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            run(spark, o);
        } finally {
            spark.stop();
        }
    }

    static void run(SparkSession spark, Options o) throws IOException {
        ImageClassifierTransformer classifier = configure(o);
        long start = System.nanoTime();
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(o.images);
        if (o.partitions > 0) {
            files = files.repartition(o.partitions);
        }
        Dataset<Row> predictions = classifier.transform(files);
        boolean labelled = classifier.getOrDefault(classifier.labels()).length > 0;
        List<Column> columns = new ArrayList<>(List.of(col("path"), col("prediction")));
        if (o.csv) {
            columns.add(labelled ? col("predictedLabel").as("label") : col("prediction").cast("string").as("label"));
            columns.add(when(col("probability").isNotNull(), element_at(
                    functions.vector_to_array(col("probability"), "float32"), col("prediction").plus(1)))
                    .as("probability"));
        } else {
            if (labelled) {
                columns.add(col("predictedLabel"));
            }
            columns.add(col("probability"));
        }
        columns.add(col("error"));
        Dataset<Row> out = predictions.select(columns.toArray(new Column[0]));
        if (o.csv) {
            out.write().option("header", "true").csv(o.out);
        } else {
            out.write().parquet(o.out);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Dataset<Row> written = o.csv ? spark.read().option("header", "true").csv(o.out) : spark.read().parquet(o.out);
        long rows = written.count();
        long errors = written.filter(col("error").isNotNull()).count();
        System.out.printf(Locale.ROOT, "spark-classify: %d images (%d could not be classified) in %.1f s, %.1f images/s;"
                + " %s written to %s%n", rows, errors, seconds, rows / seconds, o.csv ? "CSV" : "Parquet", o.out);
    }

    /** The transformer for the options, reading model.json next to local weights as zoo predict does. */
    static ImageClassifierTransformer configure(Options o) throws IOException {
        ImageClassifierTransformer t = new ImageClassifierTransformer()
                .setWeightsUri(o.weights)
                .setBatchSize(o.batchSize)
                .setNumThreads(o.threads);
        String model = o.model;
        List<String> labels = o.labels != null ? LabelsFile.read(o.labels) : null;
        Path info = ModelCache.scheme(o.weights) == null
                ? Path.of(o.weights).toAbsolutePath().resolveSibling("model.json") : null;
        if (info != null && Files.isRegularFile(info)) {
            JsonObject json = JsonParser.parseString(Files.readString(info, StandardCharsets.UTF_8)).getAsJsonObject();
            String infoModel = json.has("model") ? json.get("model").getAsString() : null;
            if (model == null) {
                model = infoModel;
            }
            if (model != null && model.equals(infoModel)) {
                t.setInChannels(json.get("inChannels").getAsInt());
                t.setImageSize(json.get("imageSize").getAsInt());
                if (json.has("nativeSize")) {
                    t.setNativeSize(json.get("nativeSize").getAsInt());
                }
                t.setMean(doubles(json.getAsJsonArray("mean")));
                t.setStd(doubles(json.getAsJsonArray("std")));
                if (labels == null && json.has("labels") && json.get("labels").isJsonArray()) {
                    labels = new ArrayList<>();
                    for (JsonElement e : json.getAsJsonArray("labels")) {
                        labels.add(e.getAsString());
                    }
                }
                if (labels == null && o.numClasses == null) {
                    t.setNumClasses(json.get("numClasses").getAsInt());
                }
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("--model is needed: there is no model.json next to " + o.weights);
        }
        t.setModelName(model);
        if (labels != null) {
            t.setLabels(labels.toArray(new String[0]));
        }
        if (o.numClasses != null) {
            t.setNumClasses(o.numClasses);
        }
        if (o.imageSize != null) {
            t.setImageSize(o.imageSize);
        }
        return t;
    }

    private static double[] doubles(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--csv")) {
                o.csv = true;
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException("classifies a folder of images on Spark");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unexpected argument '" + a + "'");
            }
            String v = args[++i];
            switch (a) {
                case "--images" -> o.images = v;
                case "--model", "-m" -> o.model = v;
                case "--weights" -> o.weights = v;
                case "--out", "-o" -> o.out = v;
                case "--labels" -> o.labels = Path.of(v);
                case "--num-classes" -> o.numClasses = positive(a, v);
                case "--image-size" -> o.imageSize = positive(a, v);
                case "--batch-size" -> o.batchSize = positive(a, v);
                case "--threads" -> o.threads = positive(a, v);
                case "--partitions" -> o.partitions = positive(a, v);
                case "--master" -> o.master = v;
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (o.images == null || o.weights == null || o.out == null) {
            throw new IllegalArgumentException("--images, --weights and --out are required");
        }
        if (ModelCache.scheme(o.images) == null && !Files.isDirectory(Path.of(o.images))) {
            throw new IllegalArgumentException("--images " + o.images + ": not a directory");
        }
        if (ModelCache.scheme(o.weights) == null && !Files.isRegularFile(Path.of(o.weights))) {
            throw new IllegalArgumentException("--weights " + o.weights + ": file not found");
        }
        if (ModelCache.scheme(o.out) == null && Files.exists(Path.of(o.out))) {
            throw new IllegalArgumentException("--out " + o.out + ": already exists (Spark writes a new directory)");
        }
        return o;
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a positive integer, got '" + value + "'");
    }
}
