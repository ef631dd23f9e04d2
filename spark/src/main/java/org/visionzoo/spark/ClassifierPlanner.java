package org.visionzoo.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The transform logic of an {@link ImageClassifierTransformer}, on the driver: checks its params,
 * derives the output schema, and builds the {@link ClassifierSettings} its partitions are classified
 * with ({@link BatchClassifier}). Made for one call and dropped; never serialized.
 */
final class ClassifierPlanner {

    private final ImageClassifierTransformer t;
    private final String uid;

    ClassifierPlanner(ImageClassifierTransformer t) {
        this.t = t;
        this.uid = t.uid();
    }

    private String str(Param<String> p) {
        return t.getOrDefault(p);
    }

    private int integer(IntParam p) {
        return (Integer) t.getOrDefault(p);
    }

    private List<String> labelList() {
        String[] l = t.getOrDefault(t.labels());
        return l.length == 0 ? null : List.of(l);
    }

    /** The model's registry entry; an unknown or unset name is an error naming the param. */
    private ModelSpec spec() {
        if (!t.isDefined(t.modelName()) || str(t.modelName()).isBlank()) {
            throw new IllegalArgumentException(uid + ": the modelName param is not set (a registered model name)");
        }
        try {
            return Models.spec(str(t.modelName()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(uid + ": modelName: " + e.getMessage(), e);
        }
    }

    private int resolvedClasses(ModelSpec spec) {
        List<String> names = labelList();
        int n = integer(t.numClasses());
        if (names != null && n > 0 && n != names.size()) {
            throw new IllegalArgumentException(uid + ": numClasses is " + n + " but " + names.size() + " labels are set");
        }
        return names != null ? names.size() : n > 0 ? n : spec.numClasses();
    }

    private void validate() {
        if (!t.isDefined(t.weightsUri()) || str(t.weightsUri()).isBlank()) {
            throw new IllegalArgumentException(uid + ": the weightsUri param is not set (a path or Hadoop URI of the weights)");
        }
        requireAtLeast(t.numClasses(), 0);
        requireAtLeast(t.imageSize(), 0);
        requireAtLeast(t.nativeSize(), 0);
        requireAtLeast(t.topK(), 0);
        requireAtLeast(t.batchSize(), 1);
        requireAtLeast(t.numThreads(), 0);
        int c = integer(t.inChannels());
        if (c != 0 && c != 1 && c != 3) {
            throw new IllegalArgumentException(uid + ": inChannels must be 0 (the model's), 1 or 3, got " + c);
        }
        if ((Long) t.getOrDefault(t.maxImagePixels()) <= 0) {
            throw new IllegalArgumentException(uid + ": maxImagePixels must be > 0, got " + t.getOrDefault(t.maxImagePixels()));
        }
        MemoryFormat.parse(str(t.memoryFormat()), uid + ": memoryFormat");
        double[] m = t.getOrDefault(t.mean());
        double[] s = t.getOrDefault(t.std());
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

    /** See {@link ImageClassifierTransformer#transformSchema}. */
    StructType transformSchema(StructType schema) {
        validate();
        ModelSpec spec = spec();
        resolvedClasses(spec);
        String in = str(t.inputCol());
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
        add(fields, str(t.predictionCol()), DataTypes.IntegerType);
        if (labelList() != null) {
            add(fields, str(t.predictedLabelCol()), DataTypes.StringType);
        }
        add(fields, str(t.probabilityCol()), SQLDataTypes.VectorType());
        if (integer(t.topK()) > 0) {
            add(fields, str(t.topKCol()), DataTypes.createArrayType(DataTypes.createStructType(new StructField[] {
                DataTypes.createStructField("index", DataTypes.IntegerType, false),
                DataTypes.createStructField("label", DataTypes.StringType, false),
                DataTypes.createStructField("probability", DataTypes.FloatType, false)
            }), false));
        }
        if (!str(t.featuresCol()).isEmpty()) {
            add(fields, str(t.featuresCol()), SQLDataTypes.VectorType());
        }
        add(fields, str(t.errorCol()), DataTypes.StringType);
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

    /** See {@link ImageClassifierTransformer#transform}. */
    Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        ModelSpec spec = spec();
        int channels = integer(t.inChannels()) > 0 ? integer(t.inChannels()) : spec.inChannels();
        int size = integer(t.imageSize()) > 0 ? integer(t.imageSize()) : spec.imageSize();
        ModelKey key = new ModelKey(spec.name(), str(t.weightsUri()), resolvedClasses(spec), channels, size,
                MemoryFormat.parse(str(t.memoryFormat()), "memoryFormat").settingName(),
                hadoopSettings(dataset.sparkSession().sparkContext().hadoopConfiguration()));
        double[] m = t.getOrDefault(t.mean());
        double[] s = t.getOrDefault(t.std());
        if (m.length != channels && m.length != 1) {
            throw new IllegalArgumentException(uid + ": mean and std have " + m.length + " values but the model takes "
                    + channels + " channels");
        }
        String path = str(t.pathCol());
        int pathIndex = -1;
        if (!path.isEmpty() && Arrays.asList(in.fieldNames()).contains(path)
                && in.apply(path).dataType().equals(DataTypes.StringType)) {
            pathIndex = in.fieldIndex(path);
        }
        String input = str(t.inputCol());
        ClassifierSettings settings = new ClassifierSettings(key, in.fieldIndex(input),
                SparkImages.isImageStruct(in.apply(input).dataType()), pathIndex, labelList(), integer(t.nativeSize()),
                toFloats(m), toFloats(s), integer(t.batchSize()), integer(t.numThreads()), (Long) t.getOrDefault(t.maxImagePixels()),
                integer(t.topK()), !str(t.featuresCol()).isEmpty(), (Boolean) t.getOrDefault(t.failOnError()));
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

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
