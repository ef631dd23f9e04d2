package org.visionzoo.core.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.io.Download;
import org.visionzoo.core.io.DownloadException;
import org.visionzoo.core.testing.LoopbackFileServer;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Pretrained weights fetched from a loopback HTTP server through the mirror setting: the catalogue
 * URLs name download.pytorch.org, which is never contacted (every request is counted here).
 */
class PretrainedTest {

    @TempDir Path dir;

    @AutoClose private final LoopbackFileServer server = new LoopbackFileServer();
    private byte[] good;
    private String goodFile;

    @BeforeEach
    void start() {
        good = new byte[200_000];
        new java.util.Random(7).nextBytes(good);
        goodFile = "tinynet-" + Download.sha256(good).substring(0, 8) + ".pth";
    }

    private String mirror(String mode) {
        return server.url("/" + mode).toString();
    }

    /** A catalogue with one entry, tinynet:TEST_V1, whose URL is torchvision-style. */
    private String catalogueJson(String prefix) {
        String file = "tinynet-" + prefix + ".pth";
        return "{\"source\": \"test\", \"models\": [{\"model\": \"tinynet\", \"default\": \"TEST_V1\", \"weights\": [{"
                + "\"tag\": \"TEST_V1\", \"url\": \"https://download.pytorch.org/models/" + file + "\", \"file\": \""
                + file + "\", \"sha256_prefix\": \"" + prefix + "\", \"acc1\": 50.0, \"acc5\": 70.0, \"num_params\": 10,"
                + " \"recipe\": \"none\", \"categories\": \"two\", \"transform\": {\"resize_size\": 36, \"crop_size\": 32,"
                + " \"interpolation\": \"bilinear\", \"mean\": [0.5, 0.5, 0.5], \"std\": [0.5, 0.5, 0.5],"
                + " \"antialias\": true}}]}], \"categories\": {\"two\": [\"a\", \"b\"]}}";
    }

    private Pretrained pretrained(String prefix, String mode) throws IOException {
        // /m/F serves F; /stall/F, /truncated/F, /slow/F and /redirect/m/F as LoopbackFileServer says
        server.files().put("/m/tinynet-" + prefix + ".pth", good);
        server.files().put("/tinynet-" + prefix + ".pth", good);
        return Pretrained.standard()
                .catalogue(WeightsCatalogue.parse(new StringReader(catalogueJson(prefix)), "test"))
                .cacheDir(dir.resolve("cache"))
                .alsoLookIn(List.of())
                .mirror(mirror(mode))
                .offline(false);
    }

    private Pretrained pretrained(String mode) throws IOException {
        return pretrained(Download.sha256(good).substring(0, 8), mode);
    }

    private List<String> cacheListing() throws IOException {
        Path cache = dir.resolve("cache");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (var s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")).sorted().toList();
        }
    }

    @Test
    void downloadsOnFirstUseThenUsesTheCache() throws IOException {
        Pretrained p = pretrained("m");

        Path file = p.fetch("tinynet", null);

        assertThat(file).isEqualTo(dir.resolve("cache").resolve(goodFile));
        assertThat(Files.readAllBytes(file)).isEqualTo(good);
        assertThat(server.requests()).containsExactly("/m/" + goodFile);
        assertThat(p.fetch("tinynet", "TEST_V1")).isEqualTo(file);
        assertThat(server.requests()).hasSize(1);
        assertThat(cacheListing()).containsExactly(goodFile);
    }

    @Test
    void theMirrorReplacesTheBaseUrl() throws IOException {
        Pretrained p = pretrained("m");
        PretrainedWeights w = p.catalogue().get("tinynet");

        assertThat(w.url().toString()).isEqualTo("https://download.pytorch.org/models/" + goodFile);
        assertThat(p.url(w).toString()).isEqualTo(mirror("m") + "/" + goodFile);
        assertThat(p.mirror(mirror("m") + "/").url(w).toString()).isEqualTo(mirror("m") + "/" + goodFile);
        assertThat(p.mirror(null).url(w)).isEqualTo(w.url());
    }

    @Test
    void aChecksumMismatchIsRefusedAndLeavesNothing() throws IOException {
        Pretrained p = pretrained("0badc0de", "m");

        assertThatThrownBy(() -> p.fetch("tinynet", null))
                .isInstanceOf(DownloadException.class)
                .hasMessageStartingWith(mirror("m") + "/tinynet-0badc0de.pth: SHA-256 mismatch: expected 0badc0de..., got "
                        + Download.sha256(good))
                .hasMessageEndingWith("(or download it elsewhere and put it at "
                        + dir.resolve("cache/tinynet-0badc0de.pth").toAbsolutePath() + ")");
        assertThat(cacheListing()).isEmpty();
    }

    @Test
    void aStalledBodyTimesOutAndItsPartialFileIsRemoved() throws IOException {
        Pretrained p = pretrained("stall").downloadOptions(Download.Options.defaults().readTimeout(Duration.ofMillis(300)));
        long start = System.nanoTime();

        assertThatThrownBy(() -> p.fetch("tinynet", null))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining(": no data for 300 ms after 100000 bytes: the server stalled");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(10);
        assertThat(cacheListing()).isEmpty();
    }

    @Test
    void aTruncatedBodyIsRefused() throws IOException {
        Pretrained p = pretrained("truncated");

        assertThatThrownBy(() -> p.fetch("tinynet", null))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining(": truncated: expected 200000 bytes, got ");
        assertThat(cacheListing()).isEmpty();
    }

    @Test
    void redirectsAreFollowed() throws IOException {
        Pretrained p = pretrained("redirect/m");

        assertThat(Files.readAllBytes(p.fetch("tinynet", null))).isEqualTo(good);
        assertThat(server.requests()).containsExactly("/redirect/m/" + goodFile, "/m/" + goodFile);
    }

    @Test
    void aStalePartialFileIsReplaced() throws IOException {
        Pretrained p = pretrained("m");
        Files.createDirectories(dir.resolve("cache"));
        Files.write(dir.resolve("cache").resolve(goodFile + ".part"), new byte[123]);

        assertThat(Files.readAllBytes(p.fetch("tinynet", null))).isEqualTo(good);
        assertThat(cacheListing()).containsExactly(goodFile);
    }

    @Test
    void offlineTheErrorNamesTheUrlAndTheExactPath() throws IOException {
        Pretrained p = pretrained("m").offline(true);
        Path expected = dir.resolve("cache").resolve(goodFile).toAbsolutePath();

        assertThatThrownBy(() -> p.fetch("tinynet", null))
                .isInstanceOf(Pretrained.OfflineException.class)
                .hasMessage("tinynet:TEST_V1: not in the cache and downloads are off (offline mode: --offline,"
                        + " VISIONZOO_OFFLINE or DJL_OFFLINE). Download " + mirror("m") + "/"
                        + goodFile + " on a machine that can, and put it at " + expected
                        + " (its SHA-256 must begin with " + Download.sha256(good).substring(0, 8) + ")");
        assertThat(server.requests()).isEmpty();

        // the user does as told: now it works offline
        Files.createDirectories(expected.getParent());
        Files.write(expected, good);
        assertThat(p.fetch("tinynet", null)).isEqualTo(dir.resolve("cache").resolve(goodFile));
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void visionzoosOfflineSettingWinsElseDjlsApplies() {
        String old = System.getProperty(Pretrained.OFFLINE_PROPERTY);
        try {
            System.setProperty(Pretrained.OFFLINE_PROPERTY, "true");
            assertThat(Pretrained.standard().isOffline()).isTrue();
            System.setProperty(Pretrained.OFFLINE_PROPERTY, "false");
            assertThat(Pretrained.standard().isOffline()).isFalse();
            System.clearProperty(Pretrained.OFFLINE_PROPERTY);
            if (System.getenv(Pretrained.OFFLINE_ENV) == null) {
                assertThat(Pretrained.standard().isOffline()).isEqualTo(ai.djl.util.Utils.isOfflineMode());
            }
        } finally {
            if (old == null) {
                System.clearProperty(Pretrained.OFFLINE_PROPERTY);
            } else {
                System.setProperty(Pretrained.OFFLINE_PROPERTY, old);
            }
        }
    }

    @Test
    void filesInTorchHubsCacheAreUsedWhenTheirDigestMatches() throws IOException {
        Path hub = dir.resolve("hub");
        Files.createDirectories(hub);
        Pretrained p = pretrained("m").alsoLookIn(List.of(hub)).offline(true);
        Files.write(hub.resolve(goodFile), new byte[] {1, 2, 3}); // corrupt: ignored

        assertThatThrownBy(() -> p.fetch("tinynet", null)).isInstanceOf(Pretrained.OfflineException.class);

        Files.write(hub.resolve(goodFile), good);
        assertThat(p.fetch("tinynet", null)).isEqualTo(hub.resolve(goodFile));
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aCorruptCachedFileIsDownloadedAgain() throws IOException {
        Pretrained p = pretrained("m");
        Files.createDirectories(dir.resolve("cache"));
        Files.write(dir.resolve("cache").resolve(goodFile), new byte[] {4, 5, 6});

        assertThat(Files.readAllBytes(p.fetch("tinynet", null))).isEqualTo(good);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void twoProcessesFetchingOneFileDownloadItOnce() throws Exception {
        String prefix = Download.sha256(good).substring(0, 8);
        pretrained("slow"); // serves the file
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    FetchMain.class.getName(), catalogueJson(prefix), dir.resolve("cache").toString(), mirror("slow"),
                    "tinynet").redirectErrorStream(true).start());
        }
        for (Process proc : processes) {
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(proc.exitValue()).as(out).isZero();
            assertThat(out.strip()).endsWith(dir.resolve("cache").resolve(goodFile).toString());
        }
        assertThat(server.requests()).containsExactly("/slow/" + goodFile);
        assertThat(Files.readAllBytes(dir.resolve("cache").resolve(goodFile))).isEqualTo(good);
    }

    @Test
    void unknownEntriesAreNamed() throws IOException {
        Pretrained p = pretrained("m");

        assertThatThrownBy(() -> p.fetch("resnet50", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no pretrained weights for model 'resnet50' in the catalogue (test); models with weights:"
                        + " tinynet");
        assertThat(server.requests()).isEmpty();
    }
}
