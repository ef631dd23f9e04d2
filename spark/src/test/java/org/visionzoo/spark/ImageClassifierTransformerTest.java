package org.visionzoo.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.examples.zoo.Zoo;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The transformer on a real in-process Spark ({@code local[2]}): the same answers as {@code zoo
 * predict} for the same files and weights, error rows for corrupt images, one model load per JVM,
 * and ML persistence.
 */
class ImageClassifierTransformerTest {

    private static final String MODEL = "resnet20";
    private static final String[] LABELS = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};

    @TempDir static Path dir;

    private static SparkSession spark;
    private static Path images;
    private static Path weights;
    private static List<Path> good;
    private static Path corrupt;
    /** {@code zoo predict}'s probabilities (all classes) by absolute path. */
    private static Map<String, float[]> expected;

    @BeforeAll
    static void setUp() throws IOException {
        images = Files.createDirectories(dir.resolve("images"));
        Random rng = new Random(7);
        good = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // odd sizes, so that the resize and centre crop matter; RGB, grayscale and JPEG files
            String format = i == 5 ? "jpg" : "png";
            int type = i == 4 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB;
            BufferedImage img = new BufferedImage(30 + 3 * i, 41 - 2 * i, type);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, rng.nextInt(0x1000000));
                }
            }
            Path file = images.resolve("img" + i + "." + format);
            assertThat(ImageIO.write(img, format.equals("jpg") ? "jpeg" : "png", file.toFile())).isTrue();
            good.add(file);
        }
        corrupt = images.resolve("broken.png");
        Files.write(corrupt, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4, 5});

        weights = dir.resolve("r20.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageClassifier net = Models.spec(MODEL).create(10, 3);
            net.initialize(manager, 32);
            Weights.save(net, weights);
        }

        expected = zooPredict(good);

        spark = SparkSession.builder()
                .master("local[2]")
                .appName("visionzoo-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** Runs {@code zoo predict --json} in-process over the files, all classes ranked. */
    private static Map<String, float[]> zooPredict(List<Path> files) {
        List<String> args = new ArrayList<>(List.of("predict", "--model", MODEL, "--weights", weights.toString(),
                "--top", "10", "--json"));
        files.forEach(f -> args.add(f.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = Zoo.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute(args.toArray(new String[0]))).as(err.toString()).isZero();
        Map<String, float[]> result = new HashMap<>();
        for (String line : out.toString().split("\n")) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            float[] p = new float[10];
            JsonArray top = o.getAsJsonArray("top");
            for (int j = 0; j < top.size(); j++) {
                JsonObject e = top.get(j).getAsJsonObject();
                p[e.get("index").getAsInt()] = e.get("probability").getAsFloat();
            }
            result.put(Path.of(o.get("image").getAsString()).toAbsolutePath().toString(), p);
        }
        assertThat(result).hasSize(files.size());
        return result;
    }

    private ImageClassifierTransformer transformer() {
        return new ImageClassifierTransformer()
                .setModelName(MODEL)
                .setWeightsUri(weights.toString())
                .setLabels(LABELS)
                .setBatchSize(3)
                .setTopK(2);
    }

    private Dataset<Row> binaryFiles(int partitions) {
        return spark.read().format("binaryFile").load(images.toString()).repartition(partitions);
    }

    private static String localPath(String uri) {
        return Path.of(java.net.URI.create(uri)).toString();
    }

    /** Checks every row against zoo predict; returns the rows by file name. */
    private static Map<String, Row> checkAgainstZooPredict(List<Row> rows, String pathCol) {
        Map<String, Row> byName = new HashMap<>();
        for (Row row : rows) {
            String path = localPath(row.getAs(pathCol));
            byName.put(Path.of(path).getFileName().toString(), row);
            if (path.equals(corrupt.toString())) {
                continue;
            }
            float[] want = expected.get(path);
            assertThat(want).as(path).isNotNull();
            assertThat(row.<String>getAs("error")).as(path).isNull();
            Vector probability = row.getAs("probability");
            int best = 0;
            for (int c = 0; c < 10; c++) {
                assertThat((float) probability.apply(c)).as(path + " class " + c).isCloseTo(want[c], within(1e-5f));
                best = want[c] > want[best] ? c : best;
            }
            assertThat(row.<Integer>getAs("prediction")).as(path).isEqualTo(best);
            if (List.of(row.schema().fieldNames()).contains("predictedLabel")) {
                assertThat(row.<String>getAs("predictedLabel")).isEqualTo(LABELS[best]);
            }
        }
        return byName;
    }

    @Test
    void binaryFilesGiveZooPredictsAnswersAndAnErrorRowForACorruptImage() {
        List<Row> rows = transformer().transform(binaryFiles(3)).collectAsList();
        assertThat(rows).hasSize(good.size() + 1);
        Map<String, Row> byName = checkAgainstZooPredict(rows, "path");

        Row broken = byName.get("broken.png");
        assertThat(broken.<Integer>getAs("prediction")).isNull();
        assertThat(broken.<Object>getAs("probability")).isNull();
        assertThat(broken.<Object>getAs("topK")).isNull();
        assertThat(broken.<String>getAs("error")).contains("broken.png").contains("could not be decoded as an image");

        Row first = byName.get("img0.png");
        List<Row> top = first.getList(first.fieldIndex("topK"));
        assertThat(top).hasSize(2);
        assertThat(top.get(0).getInt(0)).isEqualTo(first.<Integer>getAs("prediction"));
        assertThat(top.get(0).getString(1)).isEqualTo(LABELS[first.<Integer>getAs("prediction")]);
        assertThat(top.get(0).getFloat(2)).isGreaterThanOrEqualTo(top.get(1).getFloat(2));
    }

    @Test
    void theImageSourceStructGivesTheSameAnswers() {
        Dataset<Row> df = spark.read().format("image").load(images.toString())
                .selectExpr("image", "image.origin AS path");
        List<Row> rows = transformer().setInputCol("image").transform(df).collectAsList();
        assertThat(rows).hasSize(good.size() + 1);
        Map<String, Row> byName = checkAgainstZooPredict(rows, "path");
        assertThat(byName.get("broken.png").<String>getAs("error")).contains("broken.png");
    }

    @Test
    void theModelIsLoadedOncePerJvmAcrossPartitionsAndTransformCalls() {
        ModelCache.clear();
        int before = ModelCache.loadCount();
        Dataset<Row> input = binaryFiles(4);
        assertThat(input.rdd().getNumPartitions()).isEqualTo(4);
        ImageClassifierTransformer t = transformer().setFeaturesCol("features");
        List<Row> first = t.transform(input).collectAsList();
        List<Row> second = t.transform(input).collectAsList();
        assertThat(ModelCache.loadCount() - before).isEqualTo(1);
        assertThat(first).hasSize(good.size() + 1);
        assertThat(second).hasSize(good.size() + 1);
        checkAgainstZooPredict(first, "path");
        Row any = first.stream().filter(r -> r.getAs("error") == null).findFirst().orElseThrow();
        assertThat(any.<Vector>getAs("features").size()).isEqualTo(64); // resnet20's pooled width
    }

    @Test
    void theExampleWritesCsvWithZooPredictsClassesAndParquet() throws IOException {
        Path csv = dir.resolve("out-csv");
        SparkClassify.run(spark, SparkClassify.parse(new String[] {"--images", images.toString(), "--model", MODEL,
            "--weights", weights.toString(), "--out", csv.toString(), "--csv", "--batch-size", "4"}));
        List<Row> rows = spark.read().option("header", "true").csv(csv.toString()).collectAsList();
        assertThat(rows).hasSize(good.size() + 1);
        for (Row row : rows) {
            String path = localPath(row.getAs("path"));
            if (path.equals(corrupt.toString())) {
                assertThat(row.<String>getAs("prediction")).isNull();
                assertThat(row.<String>getAs("error")).contains("could not be decoded");
                continue;
            }
            float[] want = expected.get(path);
            int best = Integer.parseInt(row.getAs("prediction"));
            assertThat(row.<String>getAs("label")).isEqualTo(Integer.toString(best));
            assertThat(Float.parseFloat(row.getAs("probability"))).isCloseTo(want[best], within(1e-5f));
            for (float p : want) {
                assertThat(want[best]).isGreaterThanOrEqualTo(p);
            }
        }
        Path parquet = dir.resolve("out-parquet");
        SparkClassify.run(spark, SparkClassify.parse(new String[] {"--images", images.toString(), "--model", MODEL,
            "--weights", weights.toString(), "--out", parquet.toString()}));
        checkAgainstZooPredict(spark.read().parquet(parquet.toString()).collectAsList().stream()
                .filter(r -> !localPath(r.getAs("path")).equals(corrupt.toString())).toList(), "path");
        assertThatThrownBy(() -> SparkClassify.parse(new String[] {"--images", images.toString(), "--weights",
            weights.toString(), "--out", parquet.toString()})).hasMessageContaining("already exists");
    }

    @Test
    void failOnErrorFailsTheJobNamingTheFile() {
        assertThatThrownBy(() -> transformer().setFailOnError(true).transform(binaryFiles(2)).collectAsList())
                .hasStackTraceContaining("broken.png");
    }

    @Test
    void badParamsFailBeforeAnyWork() {
        assertThatThrownBy(() -> transformer().setModelName("resnet21").transform(binaryFiles(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resnet21");
        assertThatThrownBy(() -> transformer().setInputCol("path").transform(binaryFiles(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected binary file content");
        assertThatThrownBy(() -> transformer().setNumClasses(5).transform(binaryFiles(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numClasses is 5 but 10 labels");
    }

    @Test
    void persistsInAPipelineModel() throws IOException {
        ImageClassifierTransformer t = transformer().setBatchSize(5).setMemoryFormat("contiguous").setNumThreads(1);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {t}).fit(binaryFiles(1));
        Path saved = dir.resolve("pipeline");
        model.write().overwrite().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        assertThat(loaded.stages()).hasSize(1);
        ImageClassifierTransformer back = (ImageClassifierTransformer) loaded.stages()[0];
        assertThat(back.uid()).isEqualTo(t.uid());
        assertThat(back.getOrDefault(back.modelName())).isEqualTo(MODEL);
        assertThat(back.getOrDefault(back.weightsUri())).isEqualTo(weights.toString());
        assertThat(back.getOrDefault(back.labels())).containsExactly(LABELS);
        assertThat(back.getOrDefault(back.batchSize())).isEqualTo(5);
        assertThat(back.getOrDefault(back.memoryFormat())).isEqualTo("contiguous");
        checkAgainstZooPredict(loaded.transform(binaryFiles(2)).collectAsList(), "path");
    }
}
