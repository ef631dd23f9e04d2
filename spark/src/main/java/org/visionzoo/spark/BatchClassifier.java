package org.visionzoo.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.training.data.ImageDecoder;
import org.visionzoo.training.transform.EvalPreprocessing;
import org.visionzoo.training.transform.Image;
import org.visionzoo.training.transform.Normalize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Classifies one partition: rows are read in batches of {@code batchSize}, each image decoded and
 * preprocessed as {@code zoo predict} does, the batch run through the executor's cached model in
 * one forward pass, and the input rows returned with the prediction columns appended. The native
 * memory of a batch is freed before the next one is read.
 */
final class BatchClassifier implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final ClassifierSettings settings;

    BatchClassifier(ClassifierSettings settings) {
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Threads.set(settings.numThreads());
        ImageDecoder decoder = new ImageDecoder(settings.maxImagePixels());
        EvalPreprocessing preprocessing = new EvalPreprocessing(settings.key().model(), settings.nativeSize(),
                settings.key().imageSize(),
                new Normalize(settings.mean(), settings.std()));
        return new Iterator<>() {
            private Iterator<Row> batch = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!batch.hasNext() && rows.hasNext()) {
                    List<Row> in = new ArrayList<>(settings.batchSize());
                    while (in.size() < settings.batchSize() && rows.hasNext()) {
                        in.add(rows.next());
                    }
                    batch = classify(decoder, preprocessing, in).iterator();
                }
                return batch.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch.next();
            }
        };
    }

    private List<Row> classify(ImageDecoder decoder, EvalPreprocessing preprocessing, List<Row> in) {
        int n = in.size();
        int channels = settings.key().inChannels();
        Image[] images = new Image[n];
        String[] errors = new String[n];
        int good = 0;
        for (int i = 0; i < n; i++) {
            Row row = in.get(i);
            String source = source(row);
            try {
                Image decoded = settings.imageStruct()
                        ? SparkImages.fromImageStruct(row.isNullAt(settings.inputIndex()) ? null
                                : row.getStruct(settings.inputIndex()), channels, source)
                        : decodeBytes(decoder, row, source, channels);
                images[i] = preprocessing.apply(decoded);
                good++;
            } catch (Exception e) {
                String message = e.getMessage() == null ? source + ": " + e : e.getMessage();
                if (!message.contains(source)) {
                    message = source + ": " + message;
                }
                if (settings.failOnError()) {
                    throw new IllegalArgumentException(message + " (failOnError is set)", e);
                }
                errors[i] = message;
            }
        }
        float[][] probs = new float[n][];
        float[][] feats = new float[n][];
        if (good > 0) {
            Image first = Arrays.stream(images).filter(x -> x != null).findFirst().orElseThrow();
            int c = first.channels();
            int h = first.height();
            int w = first.width();
            int plane = c * h * w;
            float[] data = new float[good * plane];
            int[] at = new int[good];
            for (int i = 0, j = 0; i < n; i++) {
                if (images[i] != null) {
                    System.arraycopy(images[i].data(), 0, data, j * plane, plane);
                    at[j++] = i;
                }
            }
            int count = good;
            ModelCache.with(settings.key(), loaded -> {
                forward(loaded, data, at, count, c, h, w, probs, feats);
                return null;
            });
        }
        List<Row> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(outputRow(in.get(i), probs[i], feats[i], errors[i]));
        }
        return out;
    }

    /** One forward pass over the batch's decodable images; fills their rows' probabilities (and features). */
    private void forward(ModelCache.Loaded loaded, float[] data, int[] at, int good, int c, int h, int w,
            float[][] probs, float[][] feats) {
        ImageClassifier net = loaded.model();
        try (NDManager manager = loaded.manager().newSubManager();
                NDArray x = manager.create(data, new Shape(good, c, h, w))) {
            float[] p;
            float[] f = null;
            if (settings.features()) {
                // the logits are the head applied to the pooled features, as in the model's forward
                try (NDArray features = Inference.features(net, x);
                        NDArray logits = Inference.forward(net.head(), features);
                        NDArray softmax = logits.softmax(1)) {
                    p = softmax.toFloatArray();
                    f = features.toFloatArray();
                }
            } else {
                try (NDArray logits = Inference.logits(net, x);
                        NDArray softmax = logits.softmax(1)) {
                    p = softmax.toFloatArray();
                }
            }
            int classes = p.length / good;
            int dim = f == null ? 0 : f.length / good;
            for (int j = 0; j < good; j++) {
                probs[at[j]] = Arrays.copyOfRange(p, j * classes, (j + 1) * classes);
                if (f != null) {
                    feats[at[j]] = Arrays.copyOfRange(f, j * dim, (j + 1) * dim);
                }
            }
        }
    }

    private Image decodeBytes(ImageDecoder decoder, Row row, String source, int channels) throws Exception {
        if (row.isNullAt(settings.inputIndex())) {
            throw new IllegalArgumentException(source + ": no image content (null)");
        }
        byte[] bytes = (byte[]) row.get(settings.inputIndex());
        return decoder.decode(bytes, source, channels);
    }

    /** The row's path (or the image struct's origin) for messages. */
    private String source(Row row) {
        if (settings.pathIndex() >= 0 && !row.isNullAt(settings.pathIndex())) {
            return row.get(settings.pathIndex()).toString();
        }
        if (settings.imageStruct() && !row.isNullAt(settings.inputIndex())) {
            Row image = row.getStruct(settings.inputIndex());
            int origin = image.fieldIndex("origin");
            if (!image.isNullAt(origin)) {
                return image.getString(origin);
            }
        }
        return "image";
    }

    private Row outputRow(Row in, float[] p, float[] f, String error) {
        List<String> labels = settings.labels();
        int extra = 3 + (labels != null ? 1 : 0) + (settings.topK() > 0 ? 1 : 0) + (settings.features() ? 1 : 0);
        Object[] values = new Object[in.length() + extra];
        for (int i = 0; i < in.length(); i++) {
            values[i] = in.get(i);
        }
        int k = in.length();
        Integer best = null;
        Integer[] order = null;
        if (p != null) {
            order = Ranking.descending(p);
            best = order[0];
        }
        values[k++] = best;
        if (labels != null) {
            values[k++] = best == null ? null : labels.get(best);
        }
        values[k++] = p == null ? null : Vectors.dense(toDoubles(p));
        if (settings.topK() > 0) {
            if (p == null) {
                values[k++] = null;
            } else {
                int top = Math.min(settings.topK(), p.length);
                Row[] entries = new Row[top];
                for (int j = 0; j < top; j++) {
                    int c = order[j];
                    entries[j] = RowFactory.create(c, labels != null ? labels.get(c) : Integer.toString(c), p[c]);
                }
                values[k++] = entries;
            }
        }
        if (settings.features()) {
            values[k++] = f == null ? null : Vectors.dense(toDoubles(f));
        }
        values[k] = error;
        return RowFactory.create(values);
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
