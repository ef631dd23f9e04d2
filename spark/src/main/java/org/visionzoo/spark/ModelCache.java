package org.visionzoo.spark;

import ai.djl.ndarray.NDManager;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.visionzoo.core.io.SafeTensors;
import org.visionzoo.core.io.TensorFile;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.MemoryFormat;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.weights.LoadOptions;
import org.visionzoo.core.weights.Weights;
import org.visionzoo.training.loop.Checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The models loaded in this JVM (a Spark executor, or the driver in local mode): each {@link
 * ModelKey} is built and its weights read once, however many partitions, tasks and transform calls
 * use it. Concurrent tasks share the model (inference only: its parameters are read, never
 * written). The native memory of every cached model is released when the JVM exits, or by {@link
 * #clear()}.
 */
public final class ModelCache {

    private static final Map<ModelKey, Loaded> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();
    /** Forward passes hold the read lock; {@link #clear()} waits for them with the write lock. */
    private static final ReentrantReadWriteLock IN_USE = new ReentrantReadWriteLock();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::clear, "visionzoo-model-cache-close"));
    }

    private ModelCache() {}

    /** A loaded model and the manager that owns its parameters. */
    record Loaded(ImageClassifier model, NDManager manager) {}

    /**
     * How many models this JVM has loaded since it started: one per distinct {@link ModelKey}
     * (again after {@link #clear()}).
     *
     * @return the number of loads
     */
    public static int loadCount() {
        return LOADS.get();
    }

    /**
     * Closes every cached model and frees its native memory. Tasks running at that moment must
     * not be using them; the next use loads them again.
     */
    public static void clear() {
        IN_USE.writeLock().lock();
        try {
            synchronized (ModelCache.class) {
                for (Loaded l : MODELS.values()) {
                    l.manager().close();
                }
                MODELS.clear();
            }
        } finally {
            IN_USE.writeLock().unlock();
        }
    }

    /** Something done with a cached model. */
    interface ModelUse<T> {
        T apply(Loaded model);
    }

    /**
     * Runs {@code use} with the model for a key (loaded on first use); {@link #clear()}, e.g. at
     * JVM exit, waits until it is done, so no model is closed under a running forward pass.
     */
    static <T> T with(ModelKey key, ModelUse<T> use) {
        IN_USE.readLock().lock();
        try {
            return use.apply(get(key));
        } finally {
            IN_USE.readLock().unlock();
        }
    }

    /** The model for a key, loading it on first use. */
    private static Loaded get(ModelKey key) {
        Loaded loaded = MODELS.get(key);
        if (loaded != null) {
            return loaded;
        }
        synchronized (ModelCache.class) {
            return MODELS.computeIfAbsent(key, k -> {
                try {
                    return load(k);
                } catch (IOException e) {
                    throw new UncheckedIOException(k.weightsUri() + ": could not load the weights (" + e.getMessage() + ")", e);
                }
            });
        }
    }

    private static Loaded load(ModelKey key) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try {
            ImageClassifier net = Models.spec(key.model()).create(key.numClasses(), key.inChannels());
            net.memoryFormat(MemoryFormat.parse(key.memoryFormat(), "memoryFormat"));
            net.initialize(manager, key.imageSize());
            LocalFile weights = localCopy(key);
            try {
                loadWeights(net, weights.path());
            } finally {
                weights.release();
            }
            net.optimizeForInference(); // batch norms folded, as zoo predict does
            LOADS.incrementAndGet();
            return new Loaded(net, manager);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** As {@code zoo predict}: a training checkpoint contributes its trained (not EMA) weights. */
    private static void loadWeights(ImageClassifier net, Path file) throws IOException {
        boolean checkpoint;
        try (TensorFile tf = SafeTensors.read(file)) {
            checkpoint = tf.metadata().containsKey(Checkpoint.METADATA_KEY);
        } catch (IOException e) {
            checkpoint = false;
        }
        if (checkpoint) {
            Weights.load(net, file, Checkpoint.modelWeights(file, false), LoadOptions.strict());
        } else {
            Weights.load(net, file);
        }
    }

    /** A local file holding the weights; a temporary copy of a remote one is deleted on release. */
    private record LocalFile(Path path, boolean temporary) {
        void release() throws IOException {
            if (temporary) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * The weights as a local file: a local path or {@code file:} URI as is, anything else (HDFS,
     * S3, ...) copied through Hadoop's file system to a temporary file.
     */
    private static LocalFile localCopy(ModelKey key) throws IOException {
        String uri = key.weightsUri();
        String scheme = scheme(uri);
        if (scheme == null) {
            return new LocalFile(Path.of(uri), false);
        }
        if (scheme.equals("file")) {
            return new LocalFile(Path.of(URI.create(uri)), false);
        }
        Configuration conf = new Configuration();
        key.hadoopConf().forEach(conf::set);
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = remote.getFileSystem(conf);
        Path local = Files.createTempFile("visionzoo-weights-", suffix(uri));
        try {
            fs.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(local.toUri()), true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(local);
            throw e;
        }
        return new LocalFile(local, true);
    }

    /** The URI scheme, or null for a plain path. */
    static String scheme(String uri) {
        if (uri.startsWith("/")) {
            return null;
        }
        try {
            String s = new URI(uri).getScheme();
            // a Windows drive letter is not a scheme
            return s == null || s.length() == 1 ? null : s;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String suffix(String uri) {
        int slash = uri.lastIndexOf('/');
        int dot = uri.lastIndexOf('.');
        return dot > slash ? uri.substring(dot) : ".weights";
    }
}
