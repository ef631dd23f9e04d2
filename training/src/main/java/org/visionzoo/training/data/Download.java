package org.visionzoo.training.data;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Downloads one file over HTTP(S), checked against its SHA-256 digest; called only when the user
 * asks for a download (nothing in this package downloads on its own).
 *
 * <p>The file is written to {@code <name>.part} next to the target, its length is checked against
 * the {@code Content-Length} header (when the server sends one) and its digest against the
 * expected one, and only then is it moved to the target name (atomically where the file system
 * can). On any failure the {@code .part} file is deleted and a {@link DatasetException} names the
 * URL and the problem: the HTTP status, the expected and actual digests, or the expected and
 * received byte counts. Redirects are followed, except from HTTPS to HTTP.
 *
 * <p>Two downloads of the same target at the same time (from two processes) are not supported:
 * they share the {@code .part} file.
 */
public final class Download {

    private Download() {}

    /** Options for a download; immutable, each setter returns a changed copy. */
    public static final class Options {

        private static final Options DEFAULTS = new Options(
                true, Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(60), 8L << 30);

        private final boolean progress;
        private final Duration connectTimeout;
        private final Duration responseTimeout;
        private final Duration readTimeout;
        private final long maxBytes;

        private Options(boolean progress, Duration connectTimeout, Duration responseTimeout, Duration readTimeout,
                long maxBytes) {
            this.progress = progress;
            this.connectTimeout = connectTimeout;
            this.responseTimeout = responseTimeout;
            this.readTimeout = readTimeout;
            this.maxBytes = maxBytes;
        }

        /**
         * Returns the defaults: a progress bar, 30 seconds to connect, 2 minutes for the response
         * headers, 60 seconds without data at most while the body arrives, at most 8 GiB.
         *
         * @return the default options
         */
        public static Options defaults() {
            return DEFAULTS;
        }

        /**
         * Returns a copy that shows a progress bar on {@code System.err}, or none (for tests and
         * non-interactive runs).
         *
         * @param show whether to show the progress bar
         * @return the changed copy
         */
        public Options progress(boolean show) {
            return new Options(show, connectTimeout, responseTimeout, readTimeout, maxBytes);
        }

        /**
         * Returns a copy with another limit on the time to connect.
         *
         * @param timeout a positive duration
         * @return the changed copy
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Options connectTimeout(Duration timeout) {
            return new Options(progress, positive(timeout, "connectTimeout"), responseTimeout, readTimeout, maxBytes);
        }

        /**
         * Returns a copy with another limit on the time from sending the request to receiving
         * the response headers (the body may take longer).
         *
         * @param timeout a positive duration
         * @return the changed copy
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Options responseTimeout(Duration timeout) {
            return new Options(progress, connectTimeout, positive(timeout, "responseTimeout"), readTimeout, maxBytes);
        }

        /**
         * Returns a copy with another limit on the time the body may stall: when no byte arrives
         * for that long, the download fails and its partial file is removed.
         *
         * @param timeout a positive duration
         * @return the changed copy
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Options readTimeout(Duration timeout) {
            return new Options(progress, connectTimeout, responseTimeout, positive(timeout, "readTimeout"), maxBytes);
        }

        /**
         * Returns the limit on the time without data while the body arrives.
         *
         * @return the timeout
         */
        public Duration readTimeout() {
            return readTimeout;
        }

        /**
         * Returns a copy with another limit on the size of a file; a larger one fails the download
         * (as soon as the header or the data shows it).
         *
         * @param max the most bytes accepted, at least 1
         * @return the changed copy
         * @throws IllegalArgumentException if {@code max} is less than 1
         */
        public Options maxBytes(long max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxBytes must be at least 1, got " + max);
            }
            return new Options(progress, connectTimeout, responseTimeout, readTimeout, max);
        }

        /**
         * Returns whether a progress bar is shown.
         *
         * @return {@code true} for a progress bar on {@code System.err}
         */
        public boolean progress() {
            return progress;
        }

        /**
         * Returns the limit on the time to connect.
         *
         * @return the timeout
         */
        public Duration connectTimeout() {
            return connectTimeout;
        }

        /**
         * Returns the limit on the time to receive the response headers.
         *
         * @return the timeout
         */
        public Duration responseTimeout() {
            return responseTimeout;
        }

        /**
         * Returns the largest file size accepted.
         *
         * @return the limit in bytes
         */
        public long maxBytes() {
            return maxBytes;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        @Override
        public String toString() {
            return "Options[progress=" + progress + ", connectTimeout=" + connectTimeout
                    + ", responseTimeout=" + responseTimeout + ", readTimeout=" + readTimeout
                    + ", maxBytes=" + maxBytes + "]";
        }
    }

    /**
     * Downloads a file unless it is already there with the expected digest.
     *
     * <p>An existing target with another digest is downloaded again and replaced.
     *
     * @param url an {@code http} or {@code https} URL
     * @param target where the file goes; its folder is created if needed
     * @param sha256 the expected SHA-256 digest, 64 hex digits (either case)
     * @param options progress bar, timeouts and size limit
     * @return {@code target}
     * @throws IllegalArgumentException if the URL is not HTTP(S) or the digest is not 64 hex digits
     * @throws DatasetException naming the URL if the request fails, the status is not 200, the
     *     body is shorter than its {@code Content-Length} or longer than the limit, or the digest
     *     differs (with the expected and actual digests)
     * @throws InterruptedIOException if the thread is interrupted while waiting for the server
     * @throws IOException if writing or moving the file fails
     */
    public static Path fetch(URI url, Path target, String sha256, Options options)
            throws IOException {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("expected an http or https URL, got " + url);
        }
        String expected = checkDigest(sha256);
        if (Files.isRegularFile(target) && sha256(target).equals(expected)) {
            return target;
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            transfer(url, part, expected, options, target.getFileName().toString());
            move(part, target);
            return target;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Computes the SHA-256 digest of a file.
     *
     * @param file the file
     * @return 64 lower-case hex digits
     * @throws IOException if reading fails
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) != -1; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Computes the SHA-256 digest of bytes.
     *
     * @param data the bytes
     * @return 64 lower-case hex digits
     */
    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(newDigest().digest(data));
    }

    /**
     * Checks a hex SHA-256 digest.
     *
     * @param sha256 the digest
     * @return it in lower case
     * @throws IllegalArgumentException if it is not 64 hex digits
     */
    static String checkDigest(String sha256) {
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException(
                    "expected a SHA-256 digest of 64 hex digits, got '" + sha256 + "'");
        }
        return sha256.toLowerCase(Locale.ROOT);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Downloads into {@code part} and checks its length and digest. */
    private static void transfer(URI url, Path part, String expected, Options options, String name)
            throws IOException {
        String source = url.toString();
        HttpClient client =
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(options.connectTimeout())
                        .build();
        HttpRequest request =
                HttpRequest.newBuilder(url)
                        .timeout(options.responseTimeout())
                        .header("User-Agent", "VisionZoo")
                        .GET()
                        .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException x = new InterruptedIOException(source + ": interrupted");
            x.initCause(e);
            throw x;
        } catch (IOException e) {
            throw new DatasetException(source, "request failed (" + e + ")", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new DatasetException(
                        source,
                        "expected HTTP status 200, got "
                                + response.statusCode()
                                + (response.uri().equals(url)
                                        ? ""
                                        : " from " + response.uri() + " (redirected)"));
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (length > options.maxBytes()) {
                throw new DatasetException(
                        source,
                        "expected at most "
                                + options.maxBytes()
                                + " bytes, the server announces "
                                + length);
            }
            MessageDigest md = newDigest();
            long got = 0;
            byte[] buf = new byte[1 << 16];
            try (Watchdog watchdog = new Watchdog(body, options.readTimeout());
                    FileChannel out =
                            FileChannel.open(
                                    part,
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.TRUNCATE_EXISTING,
                                    StandardOpenOption.WRITE);
                    ProgressBar bar = options.progress() ? progressBar(name, length) : null) {
                while (true) {
                    int n;
                    try {
                        n = body.read(buf);
                    } catch (IOException e) {
                        watchdog.throwIfStalled(source, got);
                        throw new DatasetException(
                                source,
                                (length >= 0
                                                ? "truncated: expected " + length + " bytes, got "
                                                : "connection lost after ")
                                        + got
                                        + (length >= 0 ? "" : " bytes")
                                        + " ("
                                        + e.getMessage()
                                        + ")",
                                e);
                    }
                    watchdog.throwIfStalled(source, got);
                    if (n < 0) {
                        break;
                    }
                    watchdog.progressed();
                    got += n;
                    if (got > options.maxBytes()) {
                        throw new DatasetException(
                                source,
                                "expected at most " + options.maxBytes() + " bytes, got more");
                    }
                    md.update(buf, 0, n);
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    if (bar != null) {
                        bar.stepTo(got);
                    }
                }
                out.force(true);
            }
            if (length >= 0 && got != length) {
                throw new DatasetException(
                        source, "truncated: expected " + length + " bytes, got " + got);
            }
            String actual = HexFormat.of().formatHex(md.digest());
            if (!actual.equals(expected)) {
                throw new DatasetException(
                        source,
                        "SHA-256 mismatch: expected "
                                + expected
                                + ", got "
                                + actual
                                + " ("
                                + got
                                + " bytes)");
            }
        }
    }

    private static ProgressBar progressBar(String name, long length) {
        boolean small = length >= 0 && length < 1 << 20;
        return new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(length)
                .setUnit(small ? " KiB" : " MiB", small ? 1 << 10 : 1 << 20)
                .setUpdateIntervalMillis(250)
                .showSpeed()
                .build();
    }

    /**
     * Closes a response body that delivers no byte for a while: {@code read} then returns or fails,
     * and the reader, told by {@link #throwIfStalled}, reports the stall. The JDK's HTTP client
     * times out only the wait for the response headers.
     */
    private static final class Watchdog implements AutoCloseable {

        private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "visionzoo-download-watchdog");
            t.setDaemon(true);
            return t;
        });

        private final InputStream body;
        private final long limitNanos;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean stalled;
        private final ScheduledFuture<?> task;

        Watchdog(InputStream body, Duration limit) {
            this.body = body;
            this.limitNanos = limit.toNanos();
            long period = Math.max(10, limit.toMillis() / 4);
            this.task = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
        }

        void progressed() {
            lastProgress = System.nanoTime();
        }

        private void check() {
            if (!stalled && System.nanoTime() - lastProgress > limitNanos) {
                stalled = true;
                try {
                    body.close();
                } catch (IOException e) {
                    // closing is all that is wanted; the reader reports the stall
                }
            }
        }

        void throwIfStalled(String source, long got) throws DatasetException {
            if (stalled) {
                long millis = Duration.ofNanos(limitNanos).toMillis();
                throw new DatasetException(source, "no data for " + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms")
                        + " after " + got + " bytes: the server stalled; the partial file was removed");
            }
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }

    /** Moves the checked file to its name, atomically where the file system can. */
    private static void move(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
