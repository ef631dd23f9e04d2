package org.visionzoo.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Objects;

/**
 * What identifies a loaded model in an executor's {@link ModelCache}: the model, its weights and
 * the options it is built with. Shipped to the executors with each task.
 *
 * @param model the registered model name
 * @param weightsUri the weights: a local path or any Hadoop file system URI
 * @param numClasses the number of classes
 * @param inChannels the input channels
 * @param imageSize the input size the model is initialised for
 * @param memoryFormat the memory order, {@code auto}, {@code channels-last} or {@code contiguous}
 * @param hadoopConf Hadoop settings for reading a non-local weights URI (the driver's settings
 *     that differ from Hadoop's defaults; not part of the identity)
 */
public record ModelKey(
        String model,
        String weightsUri,
        int numClasses,
        int inChannels,
        int imageSize,
        String memoryFormat,
        HashMap<String, String> hadoopConf) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if a name is null
     */
    public ModelKey {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(weightsUri, "weightsUri");
        Objects.requireNonNull(memoryFormat, "memoryFormat");
        hadoopConf = hadoopConf == null ? new HashMap<>() : hadoopConf;
    }

    /** The identity without the Hadoop settings, as the cache's key. */
    String identity() {
        return model + "|" + weightsUri + "|" + numClasses + "|" + inChannels + "|" + imageSize + "|" + memoryFormat;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelKey k && identity().equals(k.identity());
    }

    @Override
    public int hashCode() {
        return identity().hashCode();
    }

    @Override
    public String toString() {
        return model + " with " + weightsUri + " (" + numClasses + " classes, " + inChannels + " channels, "
                + imageSize + " px, " + memoryFormat + ")";
    }
}
