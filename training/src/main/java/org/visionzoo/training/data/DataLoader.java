package org.visionzoo.training.data;

import org.visionzoo.core.Checks;
import org.visionzoo.training.transform.BatchTransform;
import org.visionzoo.training.transform.Image;
import org.visionzoo.training.transform.MixedBatch;
import org.visionzoo.training.transform.Transform;
import org.visionzoo.training.transform.Transforms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The input pipeline: shuffles, decodes and augments images on background threads, a few batches
 * ahead of the training loop, and hands out {@link Batch}es in order.
 *
 * <p><b>Deterministic.</b> The order of an epoch and every random choice of the transforms depend
 * only on the seed, the epoch and the position of the image in the epoch, never on the number of
 * workers or on thread timing: the same seed gives the same batches with 0 or 8 workers, and a run
 * resumed at epoch {@code e} sees exactly the batches an uninterrupted run would have seen.
 *
 * <p><b>Bounded memory.</b> At most {@code prefetch} batches are in flight; each is a plain Java
 * array that becomes garbage once the loop has copied it into an NDArray. No native memory is
 * held.
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.builder(train).batchSize(128).shuffle(true)
 *         .transform(Transforms.compose(new RandomCrop(28, 2), RandomHorizontalFlip.HALF,
 *                 Normalize.FASHION_MNIST))
 *         .seed(5).workers(2).build()) {
 *     for (Batch batch : loader.epoch(0)) { ... }
 * }
 * }</pre>
 */
public final class DataLoader implements AutoCloseable {

    private final LabeledImages dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final Transform transform;
    private final BatchTransform batchTransform;
    private final long seed;
    private final int workers;
    private final int prefetch;
    private final ExecutorService pool;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.transform = b.transform;
        this.batchTransform = b.batchTransform;
        this.seed = b.seed;
        this.workers = b.workers;
        this.prefetch = b.prefetch;
        if (dropLast && dataset.size() < batchSize) {
            throw new IllegalArgumentException("dataset " + dataset.name() + " has " + dataset.size()
                    + " images, fewer than one batch of " + batchSize + " with dropLast");
        }
        this.pool = workers == 0 ? null : Executors.newFixedThreadPool(workers, new Daemons());
    }

    /**
     * Starts a loader over a dataset.
     *
     * @param dataset the images
     * @return a builder
     */
    public static Builder builder(LabeledImages dataset) {
        return new Builder(dataset);
    }

    /**
     * The dataset read.
     *
     * @return the dataset
     */
    public LabeledImages dataset() {
        return dataset;
    }

    /**
     * The batch size (the last batch of an epoch may be smaller unless {@code dropLast}).
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The number of batches in each epoch.
     *
     * @return the batches per epoch
     */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The number of images in each epoch.
     *
     * @return the images per epoch
     */
    public long imagesPerEpoch() {
        return dropLast ? (long) batchesPerEpoch() * batchSize : dataset.size();
    }

    /**
     * The seed all randomness derives from.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The order in which an epoch visits the dataset.
     *
     * @param epoch the 0-based epoch
     * @return a permutation of {@code [0, size)} (the identity without shuffling)
     */
    public int[] order(int epoch) {
        int n = dataset.size();
        return shuffle
                ? Permutation.shuffled(n, new SplittableRandom(mix(seed, epoch, -1L)))
                : Permutation.identity(n);
    }

    /**
     * Reads one epoch. The returned iterable is single-use: iterate it once, and close it (or
     * iterate to the end) to cancel the batches prepared ahead. A decoding or transform error
     * surfaces from {@code next()} as an {@link UncheckedIOException} (for I/O and dataset errors,
     * whose cause names the file) or the transform's own exception.
     *
     * @param epoch the 0-based epoch, which selects the order and the random choices
     * @return the epoch's batches, in order
     * @throws IllegalStateException if the loader is closed
     */
    public Epoch epoch(int epoch) {
        if (pool != null && pool.isShutdown()) {
            throw new IllegalStateException("the loader over " + dataset.name() + " is closed");
        }
        Checks.atLeast("epoch", epoch, 0);
        return new Epoch(epoch);
    }

    /**
     * Builds one batch on the calling thread (what the workers run).
     *
     * @param epoch the 0-based epoch
     * @param order the epoch's order, from {@link #order}
     * @param index the 0-based batch
     * @return the batch
     * @throws IOException if an image cannot be read
     */
    Batch load(int epoch, int[] order, int index) throws IOException {
        int start = index * batchSize;
        int size = Math.min(batchSize, order.length - start);
        int[] labels = new int[size];
        float[] images = null;
        int c = 0;
        int h = 0;
        int w = 0;
        for (int i = 0; i < size; i++) {
            int sample = order[start + i];
            Image img = dataset.load(sample);
            img = transform.apply(img, new SplittableRandom(mix(seed, epoch, start + i)));
            if (images == null) {
                c = img.channels();
                h = img.height();
                w = img.width();
                images = new float[Math.multiplyExact(size, c * h * w)];
            } else if (img.channels() != c || img.height() != h || img.width() != w) {
                throw new IllegalStateException("image " + sample + " of " + dataset.name()
                        + " is " + img.channels() + "x" + img.height() + "x" + img.width()
                        + " after the transform, but the batch's first image is " + c + "x" + h
                        + "x" + w + ": add a Resize and CenterCrop (or RandomResizedCrop) so that "
                        + "every image has the same size");
            }
            System.arraycopy(img.data(), 0, images, i * c * h * w, c * h * w);
            labels[i] = dataset.label(sample);
        }
        float[] soft = null;
        if (batchTransform != null) {
            MixedBatch mixed = batchTransform.apply(images, labels, c, h, w,
                    new SplittableRandom(mix(seed, epoch, -2L - index)));
            soft = mixed.targets();
        }
        return new Batch(index, images, labels, soft, size, c, h, w, dataset.numClasses());
    }

    /** Stops the worker threads. Epochs being read fail on their next batch. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "DataLoader[" + dataset.name() + ", batch " + batchSize + ", "
                + batchesPerEpoch() + " batches, " + workers + " workers]";
    }

    static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L + b;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One epoch's batches, prepared {@code prefetch} ahead on the workers. */
    public final class Epoch implements Iterable<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final int total;
        private final ArrayDeque<Future<Batch>> ahead = new ArrayDeque<>();
        private int submitted;
        private int returned;
        private boolean iterated;

        private Epoch(int epoch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.total = batchesPerEpoch();
        }

        /**
         * The number of batches in this epoch.
         *
         * @return the batch count
         */
        public int size() {
            return total;
        }

        @Override
        public Iterator<Batch> iterator() {
            if (iterated) {
                throw new IllegalStateException("an epoch can be iterated only once");
            }
            iterated = true;
            fill();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return returned < total;
                }

                @Override
                public Batch next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Batch b = take();
                    returned++;
                    fill();
                    return b;
                }
            };
        }

        private void fill() {
            if (pool == null) {
                return;
            }
            while (submitted < total && ahead.size() < prefetch) {
                int index = submitted++;
                ahead.add(pool.submit(() -> load(epoch, order, index)));
            }
        }

        private Batch take() {
            if (pool == null) {
                try {
                    return load(epoch, order, returned);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            Future<Batch> f = ahead.poll();
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for a batch", e);
            } catch (CancellationException e) {
                throw new IllegalStateException("the loader over " + dataset.name()
                        + " was closed while reading", e);
            } catch (ExecutionException e) {
                close();
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw new UncheckedIOException(io.getMessage(), io);
                }
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }

        /** Cancels the batches prepared ahead. */
        @Override
        public void close() {
            for (Future<Batch> f : ahead) {
                f.cancel(true);
            }
            ahead.clear();
            submitted = total;
        }
    }

    /** Builds a {@link DataLoader}. */
    public static final class Builder {
        private final LabeledImages dataset;
        private int batchSize = 32;
        private boolean shuffle;
        private boolean dropLast;
        private Transform transform = Transforms.identity();
        private BatchTransform batchTransform;
        private long seed;
        private int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private int prefetch = -1;

        private Builder(LabeledImages dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
        }

        /**
         * Sets the batch size (default 32).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder batchSize(int n) {
            this.batchSize = Checks.atLeast("batchSize", n, 1);
            return this;
        }

        /**
         * Shuffles each epoch (default off: evaluation order).
         *
         * @param on whether to shuffle
         * @return this builder
         */
        public Builder shuffle(boolean on) {
            this.shuffle = on;
            return this;
        }

        /**
         * Drops an epoch's last, incomplete batch (default off).
         *
         * @param on whether to drop it
         * @return this builder
         */
        public Builder dropLast(boolean on) {
            this.dropLast = on;
            return this;
        }

        /**
         * Sets the per-image transform (default none). It must give every image the same size.
         *
         * @param t the transform
         * @return this builder
         */
        public Builder transform(Transform t) {
            this.transform = Objects.requireNonNull(t, "transform");
            return this;
        }

        /**
         * Sets a batch transform, such as mixup or cutmix (default none).
         *
         * @param t the batch transform, or {@code null} for none
         * @return this builder
         */
        public Builder batchTransform(BatchTransform t) {
            this.batchTransform = t;
            return this;
        }

        /**
         * Sets the seed of the order and of the transforms' random choices (default 0).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Sets the number of background threads (default: the processors, at most 4); 0 reads
         * on the calling thread.
         *
         * @param n at least 0
         * @return this builder
         */
        public Builder workers(int n) {
            this.workers = Checks.atLeast("workers", n, 0);
            return this;
        }

        /**
         * Sets how many batches are prepared ahead (default: twice the workers).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder prefetch(int n) {
            this.prefetch = Checks.atLeast("prefetch", n, 1);
            return this;
        }

        /**
         * Builds the loader, starting its threads.
         *
         * @return the loader; close it to stop them
         * @throws IllegalArgumentException if {@code dropLast} leaves no batch
         */
        public DataLoader build() {
            if (prefetch < 0) {
                prefetch = Math.max(2, 2 * workers);
            }
            if (dataset.size() == 0) {
                throw new IllegalArgumentException("dataset " + dataset.name() + " is empty");
            }
            return new DataLoader(this);
        }
    }

    private static final class Daemons implements ThreadFactory {
        private static final AtomicInteger POOLS = new AtomicInteger();
        private final int pool = POOLS.incrementAndGet();
        private final AtomicInteger threads = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "visionzoo-loader-" + pool + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
