package org.visionzoo.spark;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.visionzoo.training.data.ImageDecoder;
import org.visionzoo.training.transform.Normalize;

/**
 * A Spark ML {@link Transformer} that classifies the images of a column with a VisionZoo model.
 *
 * <p>The input column holds either the file bytes of Spark's {@code binaryFile} source ({@code
 * content}, the default; decoded by VisionZoo's {@link ImageDecoder}, exactly as {@code zoo predict}
 * decodes files) or the struct of Spark's {@code image} source. Each image is preprocessed as {@code
 * zoo predict} does ({@link org.visionzoo.training.transform.EvalPreprocessing}), and the output
 * rows are the input rows with these columns appended:
 *
 * <ul>
 *   <li>{@code prediction} (int): the most probable class index;
 *   <li>{@code predictedLabel} (string): its name, only when {@link #labels()} are set;
 *   <li>{@code probability} (vector): the softmax over the classes;
 *   <li>{@code topK} (array of struct index, label, probability), only when {@link #topK()} &gt; 0;
 *   <li>{@code features} (vector): the pooled features (embeddings), only when {@link #featuresCol()}
 *       is set;
 *   <li>{@code error} (string): why the row's image could not be classified, else null; the
 *       prediction columns of such a row are null. With {@link #failOnError()} the job fails instead.
 * </ul>
 *
 * <p>The model is built and its weights read <em>once per executor JVM</em> ({@link ModelCache}),
 * whatever the number of partitions, tasks or transform calls, and shared by the executor's
 * concurrent tasks; each partition is classified in batches of {@link #batchSize()} images, the
 * native memory of a batch freed before the next. The weights URI may name any Hadoop file system
 * ({@code hdfs://}, {@code s3a://}, ...): each executor copies the file to a temporary local file
 * once; a path without a scheme (or a {@code file:} URI) is read in place on each executor.
 *
 * <p>The transformer saves and loads as part of a {@code PipelineModel} ({@link
 * DefaultParamsWritable}, {@link #read()}); only its params are saved, not the weights.
 *
 * <p>This class holds the params' defaults, getters and setters; the params themselves (names and
 * docs) are declared in {@link ClassifierParams}, and checking them, deriving the output schema and
 * running the transform is {@link ClassifierPlanner}'s.
 */
public final class ImageClassifierTransformer extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final ClassifierParams declared;

    /** A transformer with a random uid. */
    public ImageClassifierTransformer() {
        this(Identifiable$.MODULE$.randomUID("imageClassifier"));
    }

    /**
     * A transformer with the given uid (used when loading a saved one).
     *
     * @param uid the uid
     */
    public ImageClassifierTransformer(String uid) {
        this.uid = uid;
        declared = new ClassifierParams(this);
        setDefault(declared.inputCol, "content");
        setDefault(declared.pathCol, "path");
        setDefault(declared.predictionCol, "prediction");
        setDefault(declared.predictedLabelCol, "predictedLabel");
        setDefault(declared.probabilityCol, "probability");
        setDefault(declared.topKCol, "topK");
        setDefault(declared.featuresCol, "");
        setDefault(declared.errorCol, "error");
        setDefault(declared.labels, new String[0]);
        setDefault(declared.numClasses, 0);
        setDefault(declared.inChannels, 0);
        setDefault(declared.imageSize, 0);
        setDefault(declared.nativeSize, 0);
        setDefault(declared.mean, toDoubles(Normalize.IMAGENET.mean()));
        setDefault(declared.std, toDoubles(Normalize.IMAGENET.std()));
        setDefault(declared.topK, 0);
        setDefault(declared.batchSize, 32);
        setDefault(declared.numThreads, 0);
        setDefault(declared.memoryFormat, "auto");
        setDefault(declared.maxImagePixels, ImageDecoder.DEFAULT_MAX_PIXELS);
        setDefault(declared.failOnError, false);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return the model name param */
    public Param<String> modelName() {
        return declared.modelName;
    }

    /** @return the weights URI param */
    public Param<String> weightsUri() {
        return declared.weightsUri;
    }

    /** @return the input column param (default {@code content}) */
    public Param<String> inputCol() {
        return declared.inputCol;
    }

    /** @return the path column param (default {@code path}) */
    public Param<String> pathCol() {
        return declared.pathCol;
    }

    /** @return the prediction column param (default {@code prediction}) */
    public Param<String> predictionCol() {
        return declared.predictionCol;
    }

    /** @return the predicted label column param (default {@code predictedLabel}) */
    public Param<String> predictedLabelCol() {
        return declared.predictedLabelCol;
    }

    /** @return the probability column param (default {@code probability}) */
    public Param<String> probabilityCol() {
        return declared.probabilityCol;
    }

    /** @return the top-k column param (default {@code topK}) */
    public Param<String> topKCol() {
        return declared.topKCol;
    }

    /** @return the features column param (default empty: no features) */
    public Param<String> featuresCol() {
        return declared.featuresCol;
    }

    /** @return the error column param (default {@code error}) */
    public Param<String> errorCol() {
        return declared.errorCol;
    }

    /** @return the labels param (default none) */
    public StringArrayParam labels() {
        return declared.labels;
    }

    /** @return the number of classes param (default 0: the labels' count, else the model's) */
    public IntParam numClasses() {
        return declared.numClasses;
    }

    /** @return the input channels param (default 0: the model's) */
    public IntParam inChannels() {
        return declared.inChannels;
    }

    /** @return the image size param (default 0: the model's) */
    public IntParam imageSize() {
        return declared.imageSize;
    }

    /** @return the native size param (default 0: none) */
    public IntParam nativeSize() {
        return declared.nativeSize;
    }

    /** @return the normalisation means param (default ImageNet's) */
    public DoubleArrayParam mean() {
        return declared.mean;
    }

    /** @return the normalisation standard deviations param (default ImageNet's) */
    public DoubleArrayParam std() {
        return declared.std;
    }

    /** @return the top-k param (default 0: no top-k column) */
    public IntParam topK() {
        return declared.topK;
    }

    /** @return the batch size param (default 32) */
    public IntParam batchSize() {
        return declared.batchSize;
    }

    /** @return the intra-op threads per task param (default 0: the engine's setting) */
    public IntParam numThreads() {
        return declared.numThreads;
    }

    /** @return the memory format param (default {@code auto}) */
    public Param<String> memoryFormat() {
        return declared.memoryFormat;
    }

    /** @return the pixel limit param (default Pillow's) */
    public LongParam maxImagePixels() {
        return declared.maxImagePixels;
    }

    /** @return the fail-on-error param (default false: error rows) */
    public BooleanParam failOnError() {
        return declared.failOnError;
    }

    /**
     * @param value a registered model name
     * @return this
     */
    public ImageClassifierTransformer setModelName(String value) {
        set(declared.modelName, value);
        return this;
    }

    /**
     * @param value the weights: a local path or a Hadoop file system URI
     * @return this
     */
    public ImageClassifierTransformer setWeightsUri(String value) {
        set(declared.weightsUri, value);
        return this;
    }

    /**
     * @param value the image column
     * @return this
     */
    public ImageClassifierTransformer setInputCol(String value) {
        set(declared.inputCol, value);
        return this;
    }

    /**
     * @param value a string column naming each image in errors (ignored if absent)
     * @return this
     */
    public ImageClassifierTransformer setPathCol(String value) {
        set(declared.pathCol, value);
        return this;
    }

    /**
     * @param value the prediction column
     * @return this
     */
    public ImageClassifierTransformer setPredictionCol(String value) {
        set(declared.predictionCol, value);
        return this;
    }

    /**
     * @param value the predicted label column
     * @return this
     */
    public ImageClassifierTransformer setPredictedLabelCol(String value) {
        set(declared.predictedLabelCol, value);
        return this;
    }

    /**
     * @param value the probability column
     * @return this
     */
    public ImageClassifierTransformer setProbabilityCol(String value) {
        set(declared.probabilityCol, value);
        return this;
    }

    /**
     * @param value the top-k column
     * @return this
     */
    public ImageClassifierTransformer setTopKCol(String value) {
        set(declared.topKCol, value);
        return this;
    }

    /**
     * @param value the features column, or empty for none
     * @return this
     */
    public ImageClassifierTransformer setFeaturesCol(String value) {
        set(declared.featuresCol, value);
        return this;
    }

    /**
     * @param value the error column
     * @return this
     */
    public ImageClassifierTransformer setErrorCol(String value) {
        set(declared.errorCol, value);
        return this;
    }

    /**
     * @param value class names by index
     * @return this
     */
    public ImageClassifierTransformer setLabels(String[] value) {
        set(declared.labels, value.clone());
        return this;
    }

    /**
     * @param value classes of the model's head, or 0 for the default
     * @return this
     */
    public ImageClassifierTransformer setNumClasses(int value) {
        set(declared.numClasses, value);
        return this;
    }

    /**
     * @param value input channels, 1 or 3, or 0 for the model's
     * @return this
     */
    public ImageClassifierTransformer setInChannels(int value) {
        set(declared.inChannels, value);
        return this;
    }

    /**
     * @param value the input size, or 0 for the model's
     * @return this
     */
    public ImageClassifierTransformer setImageSize(int value) {
        set(declared.imageSize, value);
        return this;
    }

    /**
     * @param value a dataset's native image size, or 0 for none
     * @return this
     */
    public ImageClassifierTransformer setNativeSize(int value) {
        set(declared.nativeSize, value);
        return this;
    }

    /**
     * @param value per-channel means
     * @return this
     */
    public ImageClassifierTransformer setMean(double[] value) {
        set(declared.mean, value.clone());
        return this;
    }

    /**
     * @param value per-channel standard deviations
     * @return this
     */
    public ImageClassifierTransformer setStd(double[] value) {
        set(declared.std, value.clone());
        return this;
    }

    /**
     * @param value how many classes in the top-k column, or 0 for none
     * @return this
     */
    public ImageClassifierTransformer setTopK(int value) {
        set(declared.topK, value);
        return this;
    }

    /**
     * @param value images per forward pass
     * @return this
     */
    public ImageClassifierTransformer setBatchSize(int value) {
        set(declared.batchSize, value);
        return this;
    }

    /**
     * @param value libtorch intra-op threads per task, or 0 for the engine's setting
     * @return this
     */
    public ImageClassifierTransformer setNumThreads(int value) {
        set(declared.numThreads, value);
        return this;
    }

    /**
     * @param value {@code auto}, {@code channels-last} or {@code contiguous}
     * @return this
     */
    public ImageClassifierTransformer setMemoryFormat(String value) {
        set(declared.memoryFormat, value);
        return this;
    }

    /**
     * @param value the largest width times height decoded
     * @return this
     */
    public ImageClassifierTransformer setMaxImagePixels(long value) {
        set(declared.maxImagePixels, value);
        return this;
    }

    /**
     * @param value whether an undecodable image fails the job
     * @return this
     */
    public ImageClassifierTransformer setFailOnError(boolean value) {
        set(declared.failOnError, value);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return new ClassifierPlanner(this).transformSchema(schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        return new ClassifierPlanner(this).transform(dataset);
    }

    @Override
    public ImageClassifierTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /**
     * The reader of saved transformers, used by {@code PipelineModel.load}.
     *
     * @return the reader
     */
    public static MLReader<ImageClassifierTransformer> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * Loads a transformer saved with {@code save(path)}.
     *
     * @param path the directory it was saved to
     * @return the transformer
     */
    public static ImageClassifierTransformer load(String path) {
        return read().load(path);
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
