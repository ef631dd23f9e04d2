package org.visionzoo.spark;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

import java.io.Serializable;

/**
 * The params of an {@link ImageClassifierTransformer}: each one's name and doc, owned by the
 * transformer (their parent). Their defaults, getters and setters are the transformer's.
 */
final class ClassifierParams implements Serializable {

    private static final long serialVersionUID = 1L;

    final Param<String> modelName;
    final Param<String> weightsUri;
    final Param<String> inputCol;
    final Param<String> pathCol;
    final Param<String> predictionCol;
    final Param<String> predictedLabelCol;
    final Param<String> probabilityCol;
    final Param<String> topKCol;
    final Param<String> featuresCol;
    final Param<String> errorCol;
    final StringArrayParam labels;
    final IntParam numClasses;
    final IntParam inChannels;
    final IntParam imageSize;
    final IntParam nativeSize;
    final DoubleArrayParam mean;
    final DoubleArrayParam std;
    final IntParam topK;
    final IntParam batchSize;
    final IntParam numThreads;
    final Param<String> memoryFormat;
    final LongParam maxImagePixels;
    final BooleanParam failOnError;

    /**
     * Declares the params.
     *
     * @param parent the transformer that owns them; its uid must be set
     */
    ClassifierParams(Params parent) {
        modelName = new Param<>(parent, "modelName", "the registered model name, e.g. resnet50 (see 'zoo list')");
        weightsUri = new Param<>(parent, "weightsUri", "the weights (safetensors): a local path or any Hadoop file"
                + " system URI (hdfs://, s3a://, ...), copied to each executor once");
        inputCol = new Param<>(parent, "inputCol", "the image column: binary file content (binaryFile source) or the"
                + " image source's struct");
        pathCol = new Param<>(parent, "pathCol", "a string column naming each image in error messages, if present");
        predictionCol = new Param<>(parent, "predictionCol", "output: the predicted class index (int)");
        predictedLabelCol = new Param<>(parent, "predictedLabelCol", "output: the predicted class name, when labels are set");
        probabilityCol = new Param<>(parent, "probabilityCol", "output: the class probabilities (vector)");
        topKCol = new Param<>(parent, "topKCol", "output: the top-k classes (array of index, label, probability)");
        featuresCol = new Param<>(parent, "featuresCol", "output: the pooled features (vector); empty for none");
        errorCol = new Param<>(parent, "errorCol", "output: why a row's image could not be classified, else null");
        labels = new StringArrayParam(parent, "labels", "class names by index; empty for none");
        numClasses = new IntParam(parent, "numClasses", "classes of the model's head; 0: the labels' count, else the model's");
        inChannels = new IntParam(parent, "inChannels", "input channels, 1 or 3; 0: the model's");
        imageSize = new IntParam(parent, "imageSize", "the model's input size; 0: the model's default");
        nativeSize = new IntParam(parent, "nativeSize", "a dataset's native image size (32 for CIFAR-10); 0: none,"
                + " ImageNet-style resize and centre crop");
        mean = new DoubleArrayParam(parent, "mean", "per-channel normalisation means");
        std = new DoubleArrayParam(parent, "std", "per-channel normalisation standard deviations");
        topK = new IntParam(parent, "topK", "how many classes in the top-k column; 0: no such column");
        batchSize = new IntParam(parent, "batchSize", "images per forward pass");
        numThreads = new IntParam(parent, "numThreads", "libtorch intra-op threads per task; 0: the engine's setting");
        memoryFormat = new Param<>(parent, "memoryFormat", "the memory order models run in: auto, channels-last or contiguous");
        maxImagePixels = new LongParam(parent, "maxImagePixels", "refuse images of more pixels than this (read from the header)");
        failOnError = new BooleanParam(parent, "failOnError", "fail the job on an undecodable image instead of an error row");
    }
}
