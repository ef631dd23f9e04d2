package org.visionzoo.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Downloads one file over HTTP(S), checked against its SHA-256 digest (or a prefix of it, as
 * torchvision's file names carry); called only when the user asks for a download.
 *
 * <ul>
 *   <li>The file is written to {@code <name>.part} next to the target; its length is checked
 *       against the {@code Content-Length} header (when the server sends one) and its digest
 *       against the expected one, and only then is it moved to the target name (atomically where
 *       the file system can). On any failure the {@code .part} file is deleted and a
 *       {@link DownloadException} names the URL and the problem: the HTTP status, the expected and
 *       actual digests, the expected and received byte counts, or a stall.
 *   <li>Timeouts: to connect, to receive the response headers, and while the body arrives, the
 *       longest time without a byte (a stalled server never hangs the caller).
 *   <li>Redirects are followed up to {@link Options#maxRedirects()}, never from HTTPS to HTTP.
 *   <li>One download per target at a time, across threads and processes: the download holds a
 *       lock on {@code <name>.lock} (a {@link FileChannel} lock; the file stays, empty). A caller
 *       that waited for the lock finds the file there and returns it without a request. A
 *       {@code .part} left by a killed process is removed before the download starts again.
 *   <li>Progress goes to a {@link Progress} callback (none by default): this library prints nothing.
 * </ul>
 *
 * <p>This class holds the target's locks, the cached-file check and the final move; the request,
 * its redirects and the checked, timed-out transfer of the body are {@link HttpTransfer}'s.
 */
public final class Download {

    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private Download() {}

    /** Receives the progress of downloads; for a progress bar. */
    @FunctionalInterface
    public interface Progress {

        /** No progress reports. */
        Progress NONE = (name, total) -> bytes -> {};

        /**
         * Called when the body of a download starts.
         *
         * @param name the target file's name
         * @param totalBytes the announced length, or -1 when the server sends none
         * @return the tracker told of each chunk and closed at the end (success or not)
         */
        Tracker start(String name, long totalBytes);

        /** The progress of one download. */
        @FunctionalInterface
        interface Tracker extends AutoCloseable {

            /**
             * Called after each chunk.
             *
             * @param bytes the bytes received so far
             */
            void update(long bytes);

            /** Called once at the end. */
            @Override
            default void close() {}
        }
    }

    /** Options for a download; immutable, each setter returns a changed copy. */
    public static final class Options {

        private static final Options DEFAULTS = new Options(Progress.NONE, Duration.ofSeconds(30),
                Duration.ofMinutes(2), Duration.ofSeconds(60), 8L << 30, 5);

        private final Progress progress;
        private final Duration connectTimeout;
        private final Duration responseTimeout;
        private final Duration readTimeout;
        private final long maxBytes;
        private final int maxRedirects;

        private Options(Progress progress, Duration connectTimeout, Duration responseTimeout, Duration readTimeout,
                long maxBytes, int maxRedirects) {
            this.progress = progress;
            this.connectTimeout = connectTimeout;
            this.responseTimeout = responseTimeout;
            this.readTimeout = readTimeout;
            this.maxBytes = maxBytes;
            this.maxRedirects = maxRedirects;
        }

        /**
         * Returns the defaults: no progress reports, 30 seconds to connect, 2 minutes for the
         * response headers, 60 seconds without data at most while the body arrives, at most
         * 8 GiB, at most 5 redirects.
         *
         * @return the default options
         */
        public static Options defaults() {
            return DEFAULTS;
        }

        /**
         * Returns a copy that reports progress to a callback.
         *
         * @param progress the callback; {@link Progress#NONE} for none
         * @return the changed copy
         */
        public Options progress(Progress progress) {
            return new Options(Objects.requireNonNull(progress, "progress"), connectTimeout, responseTimeout,
                    readTimeout, maxBytes, maxRedirects);
        }

        /**
         * Returns the progress callback.
         *
         * @return the callback
         */
        public Progress progress() {
            return progress;
        }

        /**
         * Returns a copy with another limit on the time to connect.
         *
         * @param timeout a positive duration
         * @return the changed copy
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Options connectTimeout(Duration timeout) {
            return new Options(progress, positive(timeout, "connectTimeout"), responseTimeout, readTimeout,
                    maxBytes, maxRedirects);
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
            return new Options(progress, connectTimeout, positive(timeout, "responseTimeout"), readTimeout,
                    maxBytes, maxRedirects);
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
            return new Options(progress, connectTimeout, responseTimeout, positive(timeout, "readTimeout"),
                    maxBytes, maxRedirects);
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
            return new Options(progress, connectTimeout, responseTimeout, readTimeout, max, maxRedirects);
        }

        /**
         * Returns a copy with another limit on the number of redirects followed.
         *
         * @param max the most redirects, 0 or more
         * @return the changed copy
         * @throws IllegalArgumentException if {@code max} is negative
         */
        public Options maxRedirects(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxRedirects must be >= 0, got " + max);
            }
            return new Options(progress, connectTimeout, responseTimeout, readTimeout, maxBytes, max);
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
         * Returns the limit on the time without data while the body arrives.
         *
         * @return the timeout
         */
        public Duration readTimeout() {
            return readTimeout;
        }

        /**
         * Returns the largest file size accepted.
         *
         * @return the limit in bytes
         */
        public long maxBytes() {
            return maxBytes;
        }

        /**
         * Returns the most redirects followed.
         *
         * @return the limit
         */
        public int maxRedirects() {
            return maxRedirects;
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
            return "Options[connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout
                    + ", readTimeout=" + readTimeout + ", maxBytes=" + maxBytes + ", maxRedirects="
                    + maxRedirects + "]";
        }
    }

    /**
     * Downloads a file unless it is already there with the expected digest.
     *
     * <p>An existing target with another digest is downloaded again and replaced.
     *
     * @param url an {@code http} or {@code https} URL
     * @param target where the file goes; its folder is created if needed
     * @param sha256 the expected SHA-256 digest, or a prefix of it of at least 8 hex digits (either
     *     case)
     * @param options progress, timeouts and limits
     * @return {@code target}
     * @throws IllegalArgumentException if the URL is not HTTP(S) or the digest is not 8 to 64 hex
     *     digits
     * @throws DownloadException naming the URL if the request fails, the status is not 200, there
     *     are too many redirects, the body stalls, is shorter than its {@code Content-Length} or
     *     longer than the limit, or the digest differs (with the expected and actual digests)
     * @throws InterruptedIOException if the thread is interrupted while waiting
     * @throws IOException if writing, locking or moving the file fails
     */
    public static Path fetch(URI url, Path target, String sha256, Options options) throws IOException {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        checkScheme(url, url);
        String expected = checkDigestPrefix(sha256);
        if (matches(target, expected)) {
            return target;
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path key = target.toAbsolutePath().normalize();
        ReentrantLock local = LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        try {
            local.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(url + ": interrupted while waiting for another download of " + target);
        }
        try (FileChannel lockFile = FileChannel.open(target.resolveSibling(target.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = lockFile.lock();
            try {
                if (matches(target, expected)) {
                    return target; // another thread or process fetched it while this one waited
                }
                Path part = target.resolveSibling(target.getFileName() + ".part");
                Files.deleteIfExists(part); // left by an interrupted download
                try {
                    HttpTransfer.transfer(url, part, expected, options, target.getFileName().toString());
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
            } finally {
                lock.release();
            }
        } finally {
            local.unlock();
        }
    }

    /**
     * Returns whether a file exists and its SHA-256 digest starts with a prefix.
     *
     * @param file the file
     * @param sha256 the digest or a prefix of it, 8 to 64 hex digits
     * @return whether the file is there and matches
     * @throws IOException if reading fails
     */
    public static boolean matches(Path file, String sha256) throws IOException {
        String expected = checkDigestPrefix(sha256);
        return Files.isRegularFile(file) && sha256(file).startsWith(expected);
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
     * Checks a full hex SHA-256 digest.
     *
     * @param sha256 the digest
     * @return it in lower case
     * @throws IllegalArgumentException if it is not 64 hex digits
     */
    public static String checkDigest(String sha256) {
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("expected a SHA-256 digest of 64 hex digits, got '" + sha256 + "'");
        }
        return sha256.toLowerCase(Locale.ROOT);
    }

    /**
     * Checks a hex SHA-256 digest or a prefix of it.
     *
     * @param sha256 the digest or prefix
     * @return it in lower case
     * @throws IllegalArgumentException if it is not 8 to 64 hex digits
     */
    public static String checkDigestPrefix(String sha256) {
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-fA-F]{8,64}")) {
            throw new IllegalArgumentException(
                    "expected a SHA-256 digest of 64 hex digits or a prefix of at least 8, got '" + sha256 + "'");
        }
        return sha256.toLowerCase(Locale.ROOT);
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void checkScheme(URI url, URI original) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("expected an http or https URL, got " + url
                    + (url.equals(original) ? "" : " (redirected from " + original + ")"));
        }
    }

    /** Moves the checked file to its name, atomically where the file system can. */
    private static void move(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
