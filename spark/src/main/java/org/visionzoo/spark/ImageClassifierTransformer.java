package org.visionzoo.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
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
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.visionzoo.core.model.MemoryFormat;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;
import org.visionzoo.training.data.ImageDecoder;
import org.visionzoo.training.transform.Normalize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 */
public final class ImageClassifierTransformer extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelName;
    private final Param<String> weightsUri;
    private final Param<String> inputCol;
    private final Param<String> pathCol;
    private final Param<String> predictionCol;
    private final Param<String> predictedLabelCol;
    private final Param<String> probabilityCol;
    private final Param<String> topKCol;
    private final Param<String> featuresCol;
    private final Param<String> errorCol;
    private final StringArrayParam labels;
    private final IntParam numClasses;
    private final IntParam inChannels;
    private final IntParam imageSize;
    private final IntParam nativeSize;
    private final DoubleArrayParam mean;
    private final DoubleArrayParam std;
    private final IntParam topK;
    private final IntParam batchSize;
    private final IntParam numThreads;
    private final Param<String> memoryFormat;
    private final LongParam maxImagePixels;
    private final BooleanParam failOnError;

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
        modelName = new Param<>(this, "modelName", "the registered model name, e.g. resnet50 (see 'zoo list')");
        weightsUri = new Param<>(this, "weightsUri", "the weights (safetensors): a local path or any Hadoop file"
                + " system URI (hdfs://, s3a://, ...), copied to each executor once");
        inputCol = new Param<>(this, "inputCol", "the image column: binary file content (binaryFile source) or the"
                + " image source's struct");
        pathCol = new Param<>(this, "pathCol", "a string column naming each image in error messages, if present");
        predictionCol = new Param<>(this, "predictionCol", "output: the predicted class index (int)");
        predictedLabelCol = new Param<>(this, "predictedLabelCol", "output: the predicted class name, when labels are set");
        probabilityCol = new Param<>(this, "probabilityCol", "output: the class probabilities (vector)");
        topKCol = new Param<>(this, "topKCol", "output: the top-k classes (array of index, label, probability)");
        featuresCol = new Param<>(this, "featuresCol", "output: the pooled features (vector); empty for none");
        errorCol = new Param<>(this, "errorCol", "output: why a row's image could not be classified, else null");
        labels = new StringArrayParam(this, "labels", "class names by index; empty for none");
        numClasses = new IntParam(this, "numClasses", "classes of the model's head; 0: the labels' count, else the model's");
        inChannels = new IntParam(this, "inChannels", "input channels, 1 or 3; 0: the model's");
        imageSize = new IntParam(this, "imageSize", "the model's input size; 0: the model's default");
        nativeSize = new IntParam(this, "nativeSize", "a dataset's native image size (32 for CIFAR-10); 0: none,"
                + " ImageNet-style resize and centre crop");
        mean = new DoubleArrayParam(this, "mean", "per-channel normalisation means");
        std = new DoubleArrayParam(this, "std", "per-channel normalisation standard deviations");
        topK = new IntParam(this, "topK", "how many classes in the top-k column; 0: no such column");
        batchSize = new IntParam(this, "batchSize", "images per forward pass");
        numThreads = new IntParam(this, "numThreads", "libtorch intra-op threads per task; 0: the engine's setting");
        memoryFormat = new Param<>(this, "memoryFormat", "the memory order models run in: auto, channels-last or contiguous");
        maxImagePixels = new LongParam(this, "maxImagePixels", "refuse images of more pixels than this (read from the header)");
        failOnError = new BooleanParam(this, "failOnError", "fail the job on an undecodable image instead of an error row");
        setDefault(inputCol, "content");
        setDefault(pathCol, "path");
        setDefault(predictionCol, "prediction");
        setDefault(predictedLabelCol, "predictedLabel");
        setDefault(probabilityCol, "probability");
        setDefault(topKCol, "topK");
        setDefault(featuresCol, "");
        setDefault(errorCol, "error");
        setDefault(labels, new String[0]);
        setDefault(numClasses, 0);
        setDefault(inChannels, 0);
        setDefault(imageSize, 0);
        setDefault(nativeSize, 0);
        setDefault(mean, toDoubles(Normalize.IMAGENET.mean()));
        setDefault(std, toDoubles(Normalize.IMAGENET.std()));
        setDefault(topK, 0);
        setDefault(batchSize, 32);
        setDefault(numThreads, 0);
        setDefault(memoryFormat, "auto");
        setDefault(maxImagePixels, ImageDecoder.DEFAULT_MAX_PIXELS);
        setDefault(failOnError, false);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return the model name param */
    public Param<String> modelName() {
        return modelName;
    }

    /** @return the weights URI param */
    public Param<String> weightsUri() {
        return weightsUri;
    }

    /** @return the input column param (default {@code content}) */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** @return the path column param (default {@code path}) */
    public Param<String> pathCol() {
        return pathCol;
    }

    /** @return the prediction column param (default {@code prediction}) */
    public Param<String> predictionCol() {
        return predictionCol;
    }

    /** @return the predicted label column param (default {@code predictedLabel}) */
    public Param<String> predictedLabelCol() {
        return predictedLabelCol;
    }

    /** @return the probability column param (default {@code probability}) */
    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    /** @return the top-k column param (default {@code topK}) */
    public Param<String> topKCol() {
        return topKCol;
    }

    /** @return the features column param (default empty: no features) */
    public Param<String> featuresCol() {
        return featuresCol;
    }

    /** @return the error column param (default {@code error}) */
    public Param<String> errorCol() {
        return errorCol;
    }

    /** @return the labels param (default none) */
    public StringArrayParam labels() {
        return labels;
    }

    /** @return the number of classes param (default 0: the labels' count, else the model's) */
    public IntParam numClasses() {
        return numClasses;
    }

    /** @return the input channels param (default 0: the model's) */
    public IntParam inChannels() {
        return inChannels;
    }

    /** @return the image size param (default 0: the model's) */
    public IntParam imageSize() {
        return imageSize;
    }

    /** @return the native size param (default 0: none) */
    public IntParam nativeSize() {
        return nativeSize;
    }

    /** @return the normalisation means param (default ImageNet's) */
    public DoubleArrayParam mean() {
        return mean;
    }

    /** @return the normalisation standard deviations param (default ImageNet's) */
    public DoubleArrayParam std() {
        return std;
    }

    /** @return the top-k param (default 0: no top-k column) */
    public IntParam topK() {
        return topK;
    }

    /** @return the batch size param (default 32) */
    public IntParam batchSize() {
        return batchSize;
    }

    /** @return the intra-op threads per task param (default 0: the engine's setting) */
    public IntParam numThreads() {
        return numThreads;
    }

    /** @return the memory format param (default {@code auto}) */
    public Param<String> memoryFormat() {
        return memoryFormat;
    }

    /** @return the pixel limit param (default Pillow's) */
    public LongParam maxImagePixels() {
        return maxImagePixels;
    }

    /** @return the fail-on-error param (default false: error rows) */
    public BooleanParam failOnError() {
        return failOnError;
    }

    /**
     * @param value a registered model name
     * @return this
     */
    public ImageClassifierTransformer setModelName(String value) {
        set(modelName, value);
        return this;
    }

    /**
     * @param value the weights: a local path or a Hadoop file system URI
     * @return this
     */
    public ImageClassifierTransformer setWeightsUri(String value) {
        set(weightsUri, value);
        return this;
    }

    /**
     * @param value the image column
     * @return this
     */
    public ImageClassifierTransformer setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    /**
     * @param value a string column naming each image in errors (ignored if absent)
     * @return this
     */
    public ImageClassifierTransformer setPathCol(String value) {
        set(pathCol, value);
        return this;
    }

    /**
     * @param value the prediction column
     * @return this
     */
    public ImageClassifierTransformer setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /**
     * @param value the predicted label column
     * @return this
     */
    public ImageClassifierTransformer setPredictedLabelCol(String value) {
        set(predictedLabelCol, value);
        return this;
    }

    /**
     * @param value the probability column
     * @return this
     */
    public ImageClassifierTransformer setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    /**
     * @param value the top-k column
     * @return this
     */
    public ImageClassifierTransformer setTopKCol(String value) {
        set(topKCol, value);
        return this;
    }

    /**
     * @param value the features column, or empty for none
     * @return this
     */
    public ImageClassifierTransformer setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    /**
     * @param value the error column
     * @return this
     */
    public ImageClassifierTransformer setErrorCol(String value) {
        set(errorCol, value);
        return this;
    }

    /**
     * @param value class names by index
     * @return this
     */
    public ImageClassifierTransformer setLabels(String[] value) {
        set(labels, value.clone());
        return this;
    }

    /**
     * @param value classes of the model's head, or 0 for the default
     * @return this
     */
    public ImageClassifierTransformer setNumClasses(int value) {
        set(numClasses, value);
        return this;
    }

    /**
     * @param value input channels, 1 or 3, or 0 for the model's
     * @return this
     */
    public ImageClassifierTransformer setInChannels(int value) {
        set(inChannels, value);
        return this;
    }

    /**
     * @param value the input size, or 0 for the model's
     * @return this
     */
    public ImageClassifierTransformer setImageSize(int value) {
        set(imageSize, value);
        return this;
    }

    /**
     * @param value a dataset's native image size, or 0 for none
     * @return this
     */
    public ImageClassifierTransformer setNativeSize(int value) {
        set(nativeSize, value);
        return this;
    }

    /**
     * @param value per-channel means
     * @return this
     */
    public ImageClassifierTransformer setMean(double[] value) {
        set(mean, value.clone());
        return this;
    }

    /**
     * @param value per-channel standard deviations
     * @return this
     */
    public ImageClassifierTransformer setStd(double[] value) {
        set(std, value.clone());
        return this;
    }

    /**
     * @param value how many classes in the top-k column, or 0 for none
     * @return this
     */
    public ImageClassifierTransformer setTopK(int value) {
        set(topK, value);
        return this;
    }

    /**
     * @param value images per forward pass
     * @return this
     */
    public ImageClassifierTransformer setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    /**
     * @param value libtorch intra-op threads per task, or 0 for the engine's setting
     * @return this
     */
    public ImageClassifierTransformer setNumThreads(int value) {
        set(numThreads, value);
        return this;
    }

    /**
     * @param value {@code auto}, {@code channels-last} or {@code contiguous}
     * @return this
     */
    public ImageClassifierTransformer setMemoryFormat(String value) {
        set(memoryFormat, value);
        return this;
    }

    /**
     * @param value the largest width times height decoded
     * @return this
     */
    public ImageClassifierTransformer setMaxImagePixels(long value) {
        set(maxImagePixels, value);
        return this;
    }

    /**
     * @param value whether an undecodable image fails the job
     * @return this
     */
    public ImageClassifierTransformer setFailOnError(boolean value) {
        set(failOnError, value);
        return this;
    }

    private String str(Param<String> p) {
        return getOrDefault(p);
    }

    private int integer(IntParam p) {
        return (Integer) getOrDefault(p);
    }

    private List<String> labelList() {
        String[] l = getOrDefault(labels);
        return l.length == 0 ? null : List.of(l);
    }

    /** The model's registry entry; an unknown or unset name is an error naming the param. */
    private ModelSpec spec() {
        if (!isDefined(modelName) || str(modelName).isBlank()) {
            throw new IllegalArgumentException(uid + ": the modelName param is not set (a registered model name)");
        }
        try {
            return Models.spec(str(modelName));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(uid + ": modelName: " + e.getMessage(), e);
        }
    }

    private int resolvedClasses(ModelSpec spec) {
        List<String> names = labelList();
        int n = integer(numClasses);
        if (names != null && n > 0 && n != names.size()) {
            throw new IllegalArgumentException(uid + ": numClasses is " + n + " but " + names.size() + " labels are set");
        }
        return names != null ? names.size() : n > 0 ? n : spec.numClasses();
    }

    private void validate() {
        if (!isDefined(weightsUri) || str(weightsUri).isBlank()) {
            throw new IllegalArgumentException(uid + ": the weightsUri param is not set (a path or Hadoop URI of the weights)");
        }
        requireAtLeast(numClasses, 0);
        requireAtLeast(imageSize, 0);
        requireAtLeast(nativeSize, 0);
        requireAtLeast(topK, 0);
        requireAtLeast(batchSize, 1);
        requireAtLeast(numThreads, 0);
        int c = integer(inChannels);
        if (c != 0 && c != 1 && c != 3) {
            throw new IllegalArgumentException(uid + ": inChannels must be 0 (the model's), 1 or 3, got " + c);
        }
        if ((Long) getOrDefault(maxImagePixels) <= 0) {
            throw new IllegalArgumentException(uid + ": maxImagePixels must be > 0, got " + getOrDefault(maxImagePixels));
        }
        MemoryFormat.parse(str(memoryFormat), uid + ": memoryFormat");
        double[] m = getOrDefault(mean);
        double[] s = getOrDefault(std);
        if (m.length == 0 || m.length != s.length) {
            throw new IllegalArgumentException(uid + ": mean and std must have one value per channel, got "
                    + m.length + " and " + s.length);
        }
        for (double v : s) {
            if (!(v > 0)) {
                throw new IllegalArgumentException(uid + ": std values must be > 0, got " + Arrays.toString(s));
            }
        }
    }

    private void requireAtLeast(IntParam p, int min) {
        int v = integer(p);
        if (v < min) {
            throw new IllegalArgumentException(uid + ": " + p.name() + " must be >= " + min + ", got " + v);
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        validate();
        ModelSpec spec = spec();
        resolvedClasses(spec);
        String in = str(inputCol);
        if (!Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException(uid + ": input column '" + in + "' not found; the columns are "
                    + Arrays.toString(schema.fieldNames()));
        }
        var type = schema.apply(in).dataType();
        if (!type.equals(DataTypes.BinaryType) && !SparkImages.isImageStruct(type)) {
            throw new IllegalArgumentException(uid + ": input column '" + in + "' is " + type.simpleString()
                    + "; expected binary file content (format binaryFile) or an image struct (format image)");
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        add(fields, str(predictionCol), DataTypes.IntegerType);
        if (labelList() != null) {
            add(fields, str(predictedLabelCol), DataTypes.StringType);
        }
        add(fields, str(probabilityCol), SQLDataTypes.VectorType());
        if (integer(topK) > 0) {
            add(fields, str(topKCol), DataTypes.createArrayType(DataTypes.createStructType(new StructField[] {
                DataTypes.createStructField("index", DataTypes.IntegerType, false),
                DataTypes.createStructField("label", DataTypes.StringType, false),
                DataTypes.createStructField("probability", DataTypes.FloatType, false)
            }), false));
        }
        if (!str(featuresCol).isEmpty()) {
            add(fields, str(featuresCol), SQLDataTypes.VectorType());
        }
        add(fields, str(errorCol), DataTypes.StringType);
        return new StructType(fields.toArray(new StructField[0]));
    }

    private void add(List<StructField> fields, String name, org.apache.spark.sql.types.DataType type) {
        if (name.isBlank()) {
            throw new IllegalArgumentException(uid + ": an output column name is empty");
        }
        for (StructField f : fields) {
            if (f.name().equals(name)) {
                throw new IllegalArgumentException(uid + ": output column '" + name + "' already exists");
            }
        }
        fields.add(new StructField(name, type, true, Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        ModelSpec spec = spec();
        int channels = integer(inChannels) > 0 ? integer(inChannels) : spec.inChannels();
        int size = integer(imageSize) > 0 ? integer(imageSize) : spec.imageSize();
        ModelKey key = new ModelKey(spec.name(), str(weightsUri), resolvedClasses(spec), channels, size,
                MemoryFormat.parse(str(memoryFormat), "memoryFormat").settingName(),
                hadoopSettings(dataset.sparkSession().sparkContext().hadoopConfiguration()));
        double[] m = getOrDefault(mean);
        double[] s = getOrDefault(std);
        if (m.length != channels && m.length != 1) {
            throw new IllegalArgumentException(uid + ": mean and std have " + m.length + " values but the model takes "
                    + channels + " channels");
        }
        String path = str(pathCol);
        int pathIndex = -1;
        if (!path.isEmpty() && Arrays.asList(in.fieldNames()).contains(path)
                && in.apply(path).dataType().equals(DataTypes.StringType)) {
            pathIndex = in.fieldIndex(path);
        }
        String input = str(inputCol);
        ClassifierSettings settings = new ClassifierSettings(key, in.fieldIndex(input),
                SparkImages.isImageStruct(in.apply(input).dataType()), pathIndex, labelList(), integer(nativeSize),
                toFloats(m), toFloats(s), integer(batchSize), integer(numThreads), (Long) getOrDefault(maxImagePixels),
                integer(topK), !str(featuresCol).isEmpty(), (Boolean) getOrDefault(failOnError));
        return dataset.toDF().mapPartitions(new BatchClassifier(settings), Encoders.row(out));
    }

    /** The driver's Hadoop settings that differ from Hadoop's defaults (credentials, endpoints, ...). */
    private static HashMap<String, String> hadoopSettings(Configuration conf) {
        Configuration defaults = new Configuration();
        HashMap<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            if (!e.getValue().equals(defaults.get(e.getKey()))) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
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

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
