package org.visionzoo.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.visionzoo.core.io.Download.Options;
import org.visionzoo.core.io.Download.Progress;

/**
 * The HTTP half of {@link Download}: sends the request (following redirects itself), then writes the
 * body to the {@code .part} file, checking its length and its SHA-256 digest and failing a stalled
 * body. Locking, the cached-file check and the final move stay in {@link Download}.
 */
final class HttpTransfer {

    private HttpTransfer() {}

    /** Sends the request, following redirects itself (to count them and refuse HTTPS to HTTP). */
    private static HttpResponse<InputStream> send(URI url, Options options) throws IOException {
        String source = url.toString();
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(options.connectTimeout())
                .build();
        URI current = url;
        for (int hops = 0; ; hops++) {
            HttpRequest request = HttpRequest.newBuilder(current)
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
                throw new DownloadException(source, "request failed (" + e + ")"
                        + (current.equals(url) ? "" : " at " + current + " (redirected)"), e);
            }
            int status = response.statusCode();
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                return response;
            }
            response.body().close();
            String location = response.headers().firstValue("Location").orElse(null);
            if (location == null) {
                throw new DownloadException(source, "HTTP status " + status + " without a Location header");
            }
            if (hops >= options.maxRedirects()) {
                throw new DownloadException(source, "more than " + options.maxRedirects() + " redirects (the last to "
                        + location + ")");
            }
            URI next;
            try {
                next = current.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new DownloadException(source, "redirected to a malformed URL '" + location + "'", e);
            }
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new DownloadException(source, "redirected to " + next + ", expected an http or https URL");
            }
            if (current.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
                throw new DownloadException(source, "redirected from HTTPS to HTTP (" + next + "): refused");
            }
            current = next;
        }
    }

    /** Downloads into {@code part} and checks its length and digest. */
    static void transfer(URI url, Path part, String expected, Options options, String name)
            throws IOException {
        String source = url.toString();
        HttpResponse<InputStream> response = send(url, options);
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new DownloadException(source, "expected HTTP status 200, got " + response.statusCode()
                        + (response.uri().equals(url) ? "" : " from " + response.uri() + " (redirected)"));
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (length > options.maxBytes()) {
                throw new DownloadException(source,
                        "expected at most " + options.maxBytes() + " bytes, the server announces " + length);
            }
            MessageDigest md = Download.newDigest();
            long got = 0;
            byte[] buf = new byte[1 << 16];
            try (Watchdog watchdog = new Watchdog(body, options.readTimeout());
                    FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                    Progress.Tracker tracker = options.progress().start(name, length)) {
                while (true) {
                    int n;
                    try {
                        n = body.read(buf);
                    } catch (IOException e) {
                        watchdog.throwIfStalled(source, got);
                        throw new DownloadException(source, (length >= 0
                                ? "truncated: expected " + length + " bytes, got " + got
                                : "connection lost after " + got + " bytes") + " (" + e.getMessage() + ")", e);
                    }
                    watchdog.throwIfStalled(source, got);
                    if (n < 0) {
                        break;
                    }
                    watchdog.progressed();
                    got += n;
                    if (got > options.maxBytes()) {
                        throw new DownloadException(source, "expected at most " + options.maxBytes() + " bytes, got more");
                    }
                    md.update(buf, 0, n);
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    tracker.update(got);
                }
                out.force(true);
            }
            if (length >= 0 && got != length) {
                throw new DownloadException(source, "truncated: expected " + length + " bytes, got " + got);
            }
            String actual = HexFormat.of().formatHex(md.digest());
            if (!actual.startsWith(expected)) {
                throw new DownloadException(source, "SHA-256 mismatch: expected " + expected
                        + (expected.length() < 64 ? "..." : "") + ", got " + actual + " (" + got + " bytes)");
            }
        }
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

        void throwIfStalled(String source, long got) throws DownloadException {
            if (stalled) {
                long millis = Duration.ofNanos(limitNanos).toMillis();
                throw new DownloadException(source, "no data for "
                        + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms") + " after " + got
                        + " bytes: the server stalled; the partial file was removed");
            }
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }
}
