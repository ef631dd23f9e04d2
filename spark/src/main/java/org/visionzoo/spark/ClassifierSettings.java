package org.visionzoo.spark;

import java.io.Serializable;
import java.util.List;

/**
 * Everything a task needs besides its rows, resolved on the driver from the transformer's params.
 *
 * @param key the model to use
 * @param inputIndex the input column's position in the input rows
 * @param imageStruct whether the input is the {@code image} source's struct (else binary content)
 * @param pathIndex the position of the path column used in error messages, or -1
 * @param labels class names, or null
 * @param nativeSize the dataset's native size, or 0
 * @param mean per-channel means
 * @param std per-channel standard deviations
 * @param batchSize images per forward pass
 * @param numThreads intra-op threads per task, or 0 for the engine's setting
 * @param maxImagePixels the decoder's pixel limit
 * @param topK labels in the top-k column, or 0 for none
 * @param features whether to output the pooled features
 * @param failOnError whether an undecodable image fails the job
 */
record ClassifierSettings(
        ModelKey key,
        int inputIndex,
        boolean imageStruct,
        int pathIndex,
        List<String> labels,
        int nativeSize,
        float[] mean,
        float[] std,
        int batchSize,
        int numThreads,
        long maxImagePixels,
        int topK,
        boolean features,
        boolean failOnError) implements Serializable {

    private static final long serialVersionUID = 1L;
}
