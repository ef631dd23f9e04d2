package org.visionzoo.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.visionzoo.core.model.ImageClassifier;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Image classification with ONNX Runtime: one {@link OrtSession} over a VisionZoo model exported
 * in memory ({@link #of}) or over an ONNX file ({@link #open}).
 *
 * <p>Reusable and thread-safe: any number of threads may call {@link #logits} at once (ONNX
 * Runtime's {@code run} is thread-safe); {@link #close} waits for calls in progress and releases the
 * session's native memory, after which calls throw. Each call releases its input and output
 * tensors before returning, so memory stays flat over any number of calls.
 *
 * <pre>{@code
 * try (OnnxPredictor predictor = OnnxPredictor.of(model, OnnxExport.Options.defaults(), OnnxPredictor.Settings.defaults())) {
 *     float[] logits = predictor.logits(pixels, 8, 224, 224); // (8, classes), row-major
 * }
 * }</pre>
 */
public final class OnnxPredictor implements AutoCloseable {

    /**
     * How the session runs.
     *
     * @param intraOpThreads threads inside one operator, 0 for ONNX Runtime's default (one per
     *     physical core)
     * @param interOpThreads threads across operators, 0 for the default
     */
    public record Settings(int intraOpThreads, int interOpThreads) {

        /** Validates the thread counts. */
        public Settings {
            if (intraOpThreads < 0 || interOpThreads < 0) {
                throw new IllegalArgumentException("thread counts must be >= 0 (0: ONNX Runtime's default), got "
                        + intraOpThreads + ", " + interOpThreads);
            }
        }

        /**
         * ONNX Runtime's defaults.
         *
         * @return the defaults
         */
        public static Settings defaults() {
            return new Settings(0, 0);
        }

        /**
         * @param threads intra-op threads
         * @return a copy with that many intra-op threads
         */
        public Settings withThreads(int threads) {
            return new Settings(threads, interOpThreads);
        }

        /**
         * @param threads inter-op threads
         * @return a copy with that many inter-op threads
         */
        public Settings withInterOpThreads(int threads) {
            return new Settings(intraOpThreads, threads);
        }
    }

    private final OrtSession session;
    private final String inputName;
    private final int channels;
    private final int numClasses;
    private final Map<String, String> metadata;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxPredictor(OrtSession session) throws OrtException {
        this.session = session;
        this.inputName = session.getInputNames().iterator().next();
        this.metadata = Map.copyOf(session.getMetadata().getCustomMetadata());
        this.channels = Integer.parseInt(metadata.getOrDefault("visionzoo.in_channels", "3"));
        this.numClasses = Integer.parseInt(metadata.getOrDefault("visionzoo.num_classes", "0"));
    }

    /**
     * Exports the model in memory and opens a session over it.
     *
     * @param model an initialised, unfolded model with its weights
     * @param options what to export
     * @param settings how the session runs
     * @return the predictor
     * @throws IllegalStateException if ONNX Runtime cannot create the session
     */
    public static OnnxPredictor of(ImageClassifier model, OnnxExport.Options options, Settings settings) {
        byte[] bytes = OnnxExport.toBytes(model, options);
        try (OrtSession.SessionOptions so = sessionOptions(settings)) {
            return new OnnxPredictor(OrtEnvironment.getEnvironment().createSession(bytes, so));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load the exported " + options.modelName()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a session over an ONNX file written by {@link OnnxExport} (its external data, if any,
     * beside it).
     *
     * @param file the {@code .onnx} file
     * @param settings how the session runs
     * @return the predictor
     * @throws IllegalArgumentException if the file does not exist or ONNX Runtime rejects it
     */
    public static OnnxPredictor open(Path file, Settings settings) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("ONNX model " + file + " does not exist or is not a file");
        }
        try (OrtSession.SessionOptions so = sessionOptions(settings)) {
            return new OnnxPredictor(OrtEnvironment.getEnvironment().createSession(file.toString(), so));
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    private static OrtSession.SessionOptions sessionOptions(Settings settings) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (settings.intraOpThreads() > 0) {
            so.setIntraOpNumThreads(settings.intraOpThreads());
        }
        if (settings.interOpThreads() > 0) {
            so.setInterOpNumThreads(settings.interOpThreads());
        }
        return so;
    }

    /**
     * The version of the ONNX Runtime library in use.
     *
     * @return e.g. {@code 1.29.0}
     */
    public static String runtimeVersion() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    /**
     * The model's metadata properties ({@code visionzoo.model}, {@code visionzoo.labels}, ...).
     *
     * @return the properties
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The number of input channels, from the model's metadata (3 if the file has none).
     *
     * @return the input channels
     */
    public int channels() {
        return channels;
    }

    /**
     * The number of classes, from the model's metadata (0 if the file has none).
     *
     * @return the number of classes
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Logits of a batch of images.
     *
     * @param pixels {@code batch * C * height * width} values, NCHW, normalised as for the
     *     PyTorch engine
     * @param batch the batch size
     * @param height image height
     * @param width image width
     * @return {@code batch * classes} logits, row-major
     * @throws IllegalArgumentException if the sizes do not match {@code pixels}
     * @throws IllegalStateException if the predictor is closed or ONNX Runtime fails
     */
    public float[] logits(float[] pixels, int batch, int height, int width) {
        long expected = (long) batch * channels * height * width;
        if (batch <= 0 || height <= 0 || width <= 0 || pixels.length != expected) {
            throw new IllegalArgumentException("input of (" + batch + ", " + channels + ", " + height + ", "
                    + width + ") needs " + expected + " values, got " + pixels.length);
        }
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("this OnnxPredictor is closed");
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels),
                            new long[] {batch, channels, height, width});
                    OrtSession.Result result = session.run(Map.of(inputName, input))) {
                FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] logits = new float[out.remaining()];
                out.get(logits);
                return logits;
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Logits of a batch held in an NDArray, as an NDArray of the input's manager.
     *
     * @param images {@code (N, C, H, W)} float32
     * @return {@code (N, classes)}
     */
    public NDArray logits(NDArray images) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != channels) {
            throw new IllegalArgumentException("expected images (N, " + channels + ", H, W), got " + s);
        }
        float[] out = logits(images.toFloatArray(), (int) s.get(0), (int) s.get(2), (int) s.get(3));
        return images.getManager().create(out, new Shape(s.get(0), out.length / s.get(0)));
    }

    /** Releases the session; waits for calls in progress. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
