package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.testing.LoopbackFileServer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Downloads from a loopback HTTP server; nothing leaves the machine. */
class DownloadTest {

    private static final Download.Options QUIET = Download.Options.defaults();

    @TempDir Path dir;

    @AutoClose private final LoopbackFileServer server = new LoopbackFileServer();
    private final Map<String, byte[]> files = server.files();
    private final List<String> requests = server.requests();

    private URI url(String path) {
        return server.url(path);
    }

    private static byte[] pattern(int n, int start) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) {
            b[k] = (byte) ((start + k) % 251);
        }
        return b;
    }

    private byte[] serve(String path, int size) {
        byte[] data = pattern(size, size % 7);
        files.put(path, data);
        return data;
    }

    private void assertNothingLeft(Path target) throws IOException {
        assertThat(target).doesNotExist();
        try (var listing = Files.list(dir)) {
            assertThat(listing.filter(p -> p.getFileName().toString().endsWith(".part")))
                    .isEmpty();
        }
    }

    // ---- Download -----------------------------------------------------------------------------

    @Test
    void downloadsAndChecksTheDigest() throws IOException {
        byte[] data = serve("/data/file.bin", 300_000);
        Path target = dir.resolve("sub/folder/file.bin");

        Path got = Download.fetch(url("/data/file.bin"), target, Download.sha256(data), QUIET);

        assertThat(got).isEqualTo(target);
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(target.resolveSibling("file.bin.part")).doesNotExist();
        assertThat(requests).containsExactly("/data/file.bin");
        assertThat(Download.sha256(target)).isEqualTo(Download.sha256(data));
    }

    @Test
    void digestMayBeUpperCase() throws IOException {
        byte[] data = serve("/f", 10);
        Path target = dir.resolve("f");
        Download.fetch(url("/f"), target, Download.sha256(data).toUpperCase(), QUIET);
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void digestMismatchFailsNamingBothDigestsAndLeavesNothing() throws IOException {
        byte[] data = serve("/f.bin", 5000);
        String wrong = Download.sha256(new byte[] {1, 2, 3});
        Path target = dir.resolve("f.bin");

        assertThatThrownBy(() -> Download.fetch(url("/f.bin"), target, wrong, QUIET))
                .isInstanceOf(DownloadException.class)
                .hasMessage(url("/f.bin") + ": SHA-256 mismatch: expected " + wrong + ", got "
                        + Download.sha256(data) + " (5000 bytes)");
        assertNothingLeft(target);
    }

    @Test
    void httpErrorFailsNamingTheStatus() throws IOException {
        Path target = dir.resolve("missing.bin");

        assertThatThrownBy(
                        () -> Download.fetch(url("/missing.bin"), target,
                                Download.sha256(new byte[0]), QUIET))
                .isInstanceOf(DownloadException.class)
                .hasMessage(url("/missing.bin") + ": expected HTTP status 200, got 404");
        assertNothingLeft(target);
    }

    @Test
    void aStalledBodyTimesOutAndLeavesNothing() throws IOException {
        byte[] data = serve("/slow.bin", 200_000);
        Path target = dir.resolve("slow.bin");
        long start = System.nanoTime();

        assertThatThrownBy(() -> Download.fetch(url("/stall/slow.bin"), target, Download.sha256(data),
                QUIET.readTimeout(java.time.Duration.ofMillis(500))))
                .isInstanceOf(DownloadException.class)
                .hasMessageStartingWith(url("/stall/slow.bin") + ": no data for 500 ms after ")
                .hasMessageEndingWith("bytes: the server stalled; the partial file was removed");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(10);
        assertNothingLeft(target);
    }

    @Test
    void truncatedBodyFailsAndLeavesNothing() throws IOException {
        byte[] data = serve("/big.bin", 200_000);
        Path target = dir.resolve("big.bin");

        assertThatThrownBy(
                        () -> Download.fetch(url("/truncated/big.bin"), target,
                                Download.sha256(data), QUIET))
                .isInstanceOf(DownloadException.class)
                .hasMessageStartingWith(url("/truncated/big.bin")
                        + ": truncated: expected 200000 bytes, got ");
        assertNothingLeft(target);
    }

    @Test
    void existingGoodFileIsNotDownloadedAgain() throws IOException {
        byte[] data = serve("/f.bin", 1000);
        Path target = dir.resolve("f.bin");
        Files.write(target, data);

        Path got = Download.fetch(url("/f.bin"), target, Download.sha256(data), QUIET);

        assertThat(got).isEqualTo(target);
        assertThat(requests).isEmpty();
    }

    @Test
    void existingBadFileAndStalePartAreReplaced() throws IOException {
        byte[] data = serve("/f.bin", 1000);
        Path target = dir.resolve("f.bin");
        Files.write(target, new byte[] {9, 9, 9});
        Files.write(dir.resolve("f.bin.part"), new byte[5000]);

        Download.fetch(url("/f.bin"), target, Download.sha256(data), QUIET);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(requests).hasSize(1);
        assertNothingLeft(dir.resolve("other"));
    }

    @Test
    void redirectsAreFollowed() throws IOException {
        byte[] data = serve("/real/f.bin", 777);
        Path target = dir.resolve("f.bin");

        Download.fetch(url("/redirect/real/f.bin"), target, Download.sha256(data), QUIET);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(requests).containsExactly("/redirect/real/f.bin", "/real/f.bin");
    }

    @Test
    void bodyWithoutLengthIsAccepted() throws IOException {
        byte[] data = serve("/f.bin", 100_000);
        Path target = dir.resolve("f.bin");

        Download.fetch(url("/chunked/f.bin"), target, Download.sha256(data), QUIET);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void sizeLimitIsEnforced() throws IOException {
        byte[] data = serve("/f.bin", 5000);
        Path target = dir.resolve("f.bin");
        Download.Options small = QUIET.maxBytes(4000);

        assertThatThrownBy(() -> Download.fetch(url("/f.bin"), target, Download.sha256(data),
                        small))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("expected at most 4000 bytes, the server announces 5000");
        assertThatThrownBy(() -> Download.fetch(url("/chunked/f.bin"), target,
                        Download.sha256(data), small))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("expected at most 4000 bytes, got more");
        assertNothingLeft(target);
    }

    @Test
    void refusedConnectionFailsNamingTheUrl() throws IOException {
        byte[] data = serve("/f.bin", 10);
        URI url = url("/f.bin");
        server.close();
        Path target = dir.resolve("f.bin");

        assertThatThrownBy(() -> Download.fetch(url, target, Download.sha256(data), QUIET))
                .isInstanceOf(DownloadException.class)
                .hasMessageStartingWith(url + ": request failed (");
        assertNothingLeft(target);
    }

    @Test
    void progressIsReportedToTheCallback() throws IOException {
        byte[] data = serve("/f.bin", 300_000);
        Path target = dir.resolve("f.bin");
        List<String> events = new CopyOnWriteArrayList<>();
        Download.Progress progress = (name, total) -> {
            events.add("start " + name + " " + total);
            return new Download.Progress.Tracker() {
                @Override
                public void update(long bytes) {
                    events.add(Long.toString(bytes));
                }

                @Override
                public void close() {
                    events.add("end");
                }
            };
        };

        Download.fetch(url("/f.bin"), target, Download.sha256(data), QUIET.progress(progress));

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(events.get(0)).isEqualTo("start f.bin 300000");
        assertThat(events.get(events.size() - 2)).isEqualTo("300000");
        assertThat(events.get(events.size() - 1)).isEqualTo("end");
    }

    @Test
    void aDigestPrefixIsAccepted() throws IOException {
        byte[] data = serve("/f.bin", 2000);
        Path target = dir.resolve("f.bin");
        String prefix = Download.sha256(data).substring(0, 8);

        Download.fetch(url("/f.bin"), target, prefix, QUIET);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(Download.matches(target, prefix)).isTrue();
        assertThat(Download.matches(target, "00000000")).isFalse();
        String wrong = "0123abcd";
        Files.delete(target);
        assertThatThrownBy(() -> Download.fetch(url("/f.bin"), target, wrong, QUIET))
                .isInstanceOf(DownloadException.class)
                .hasMessage(url("/f.bin") + ": SHA-256 mismatch: expected 0123abcd..., got "
                        + Download.sha256(data) + " (2000 bytes)");
        assertNothingLeft(target);
    }

    @Test
    void redirectsAreLimited() throws IOException {
        Path target = dir.resolve("f.bin");

        assertThatThrownBy(() -> Download.fetch(url("/loop/f.bin"), target, "01234567", QUIET.maxRedirects(3)))
                .isInstanceOf(DownloadException.class)
                .hasMessage(url("/loop/f.bin") + ": more than 3 redirects (the last to /loop/f.bin)");
        assertThat(requests).hasSize(4);
        assertNothingLeft(target);
    }

    @Test
    void concurrentDownloadsOfOneFileDownloadItOnce() throws Exception {
        byte[] data = serve("/f.bin", 1_000_000);
        Path target = dir.resolve("f.bin");
        int threads = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Path>> results = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return Download.fetch(url("/f.bin"), target, Download.sha256(data), QUIET);
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<Path> r : results) {
                assertThat(r.get()).isEqualTo(target);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(requests).containsExactly("/f.bin");
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertNothingLeft(dir.resolve("other"));
    }

    @Test
    void argumentsAreChecked() {
        Path target = dir.resolve("f");
        String digest = Download.sha256(new byte[0]);
        assertThatThrownBy(() -> Download.fetch(URI.create("ftp://example.org/f"), target,
                        digest, QUIET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> Download.fetch(url("/f"), target, "abc", QUIET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex digits or a prefix of at least 8");
        assertThatThrownBy(() -> QUIET.maxBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QUIET.connectTimeout(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(requests).isEmpty();
    }
}
