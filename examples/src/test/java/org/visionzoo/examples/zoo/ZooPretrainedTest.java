package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.visionzoo.examples.zoo.ZooTest.assertOneLineError;
import static org.visionzoo.examples.zoo.ZooTest.zoo;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.io.Download;
import org.visionzoo.core.pretrained.Pretrained;
import org.visionzoo.core.pretrained.WeightsCatalogue;
import org.visionzoo.core.testing.LoopbackFileServer;
import org.visionzoo.core.testing.TorchReference;
import org.visionzoo.examples.zoo.ZooTest.Result;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

/**
 * {@code zoo predict --pretrained}, {@code zoo train --pretrained} and {@code zoo weights} end to
 * end against a loopback server: the catalogue's resnet18 entry points (through the catalogue
 * and mirror settings) at a seeded random resnet18 written by torchvision, and the top-5 on a real
 * photograph must be torchvision's.
 */
class ZooPretrainedTest {

    static final Path PHOTO = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/images/china.jpg");

    @TempDir static Path tmp;

    static LoopbackFileServer server;
    static List<String> requests;
    static byte[] weights;
    static String file;
    static JsonObject reference;

    @BeforeAll
    static void setUp() throws Exception {
        Path script = tmp.resolve("pretrained_ref.py");
        try (InputStream in = ZooPretrainedTest.class.getResourceAsStream("pretrained_ref.py")) {
            Files.copy(in, script);
        }
        Process p = new ProcessBuilder(TorchReference.python().toString(), script.toString(),
                TorchReference.script().toString(), tmp.toString(), PHOTO.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        reference = JsonParser.parseString(Files.readString(tmp.resolve("top5.json"))).getAsJsonObject();
        weights = Files.readAllBytes(tmp.resolve("resnet18.safetensors"));
        String prefix = Download.sha256(weights).substring(0, 8);
        file = "resnet18-" + prefix + ".pth";

        server = new LoopbackFileServer();
        server.files().put("/models/" + file, weights);
        requests = server.requests();

        // the standard catalogue with resnet18's file replaced by the test's
        String json;
        try (InputStream in = WeightsCatalogue.class.getResourceAsStream(WeightsCatalogue.RESOURCE)) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        json = json.replace("resnet18-f37072fd.pth", file).replace("\"sha256_prefix\": \"f37072fd\"",
                "\"sha256_prefix\": \"" + prefix + "\"");
        Path catalogue = tmp.resolve("catalogue.json");
        Files.writeString(catalogue, json);
        System.setProperty(Pretrained.CATALOGUE_PROPERTY, catalogue.toString());
        System.setProperty(Pretrained.URL_PROPERTY, server.url("/models").toString());
        System.setProperty(Pretrained.HOME_PROPERTY, tmp.resolve("home").toString());
        System.setProperty(Pretrained.OFFLINE_PROPERTY, "false"); // the build sets DJL_OFFLINE for the engine
    }

    @AfterAll
    static void tearDown() {
        System.clearProperty(Pretrained.CATALOGUE_PROPERTY);
        System.clearProperty(Pretrained.URL_PROPERTY);
        System.clearProperty(Pretrained.HOME_PROPERTY);
        System.clearProperty(Pretrained.OFFLINE_PROPERTY);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void predictPrintsTorchvisionsTopFiveImageNetClasses() throws IOException {
        Path cached = tmp.resolve("home/weights").resolve(file);
        Files.deleteIfExists(cached);
        int before = requests.size();

        Result r = zoo("predict", "--model", "resnet18", "--pretrained", PHOTO, "--json");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(requests.subList(before, requests.size())).containsExactly("/models/" + file);
        assertThat(r.err()).contains("downloading resnet18:IMAGENET1K_V1");
        assertThat(cached).exists();
        JsonArray top = JsonParser.parseString(r.out().strip()).getAsJsonObject().getAsJsonArray("top");
        assertThat(top).hasSize(5);
        List<String> categories = WeightsCatalogue.standard().get("resnet18").categories();
        JsonArray index = reference.getAsJsonArray("index");
        JsonArray prob = reference.getAsJsonArray("prob");
        for (int i = 0; i < 5; i++) {
            JsonObject e = top.get(i).getAsJsonObject();
            assertThat(e.get("index").getAsInt()).as("class %d", i).isEqualTo(index.get(i).getAsInt());
            assertThat(e.get("label").getAsString()).isEqualTo(categories.get(index.get(i).getAsInt()));
            assertThat(e.get("probability").getAsDouble()).isCloseTo(prob.get(i).getAsDouble(),
                    org.assertj.core.data.Offset.offset(2e-3));
        }

        // the second time from the cache, and as text
        Result again = zoo("predict", "--model", "resnet18", "--pretrained", "IMAGENET1K_V1", PHOTO);
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(requests).hasSize(before + 1);
        assertThat(again.out()).startsWith(PHOTO + ": " + categories.get(index.get(0).getAsInt()) + " (");
        assertThat(again.out().split(", ")).hasSize(5);
    }

    @Test
    void weightsDownloadVerifyAndOffline() throws IOException {
        Path cached = tmp.resolve("home/weights").resolve(file);
        Files.deleteIfExists(cached);

        assertOneLineError(zoo("weights", "download", "--offline", "resnet18"), 1,
                "Download " + server.url("/models/" + file),
                "put it at " + cached.toAbsolutePath());
        Result got = zoo("weights", "download", "resnet18:IMAGENET1K_V1");
        assertThat(got.status()).as(got.err()).isZero();
        assertThat(got.out().strip()).isEqualTo("resnet18:IMAGENET1K_V1 " + cached);

        Result ok = zoo("weights", "verify");
        assertThat(ok.status()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("ok      resnet18:IMAGENET1K_V1").contains("1 cached file checked, 0 bad");

        Files.write(cached, new byte[] {1, 2, 3});
        Result bad = zoo("weights", "verify");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.out()).contains("BAD     resnet18:IMAGENET1K_V1 " + cached);
        Files.delete(cached);

        Result list = zoo("weights", "list", "--model", "resnet50");
        assertThat(list.out()).contains("resnet50  IMAGENET1K_V2 *  80.858  95.434");
        Result json = zoo("weights", "list", "--json");
        assertThat(JsonParser.parseString(json.out()).getAsJsonArray()).hasSize(38);
        assertOneLineError(zoo("predict", "--model", "resnet20", "--pretrained", PHOTO), 2,
                "no pretrained weights for model 'resnet20'");
    }

    @Test
    void theClassifyExampleUsesPretrainedModelAndItsPreset() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            org.visionzoo.examples.Classify.main(new String[] {"--pretrained", "resnet18", PHOTO.toString()});
        } finally {
            System.setOut(old);
        }
        List<String> categories = WeightsCatalogue.standard().get("resnet18").categories();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith(PHOTO + ": " + categories.get(reference.getAsJsonArray("index").get(0).getAsInt())
                + " (");
        assertThat(out.strip().lines()).hasSize(1);
    }

    @Test
    void trainFineTunesFromPretrainedWithANewHead() throws IOException {
        Path root = tmp.resolve("shapes");
        for (String split : List.of("train", "val")) {
            for (int c = 0; c < 3; c++) {
                Path dir = Files.createDirectories(root.resolve(split).resolve("class" + c));
                for (int i = 0; i < 2; i++) {
                    BufferedImage img = new BufferedImage(40 + i, 36, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 36; y++) {
                        for (int x = 0; x < 40 + i; x++) {
                            img.setRGB(x, y, (c * 80 + x) << 16 | (y * 5) << 8 | (i * 50));
                        }
                    }
                    ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
                }
            }
        }
        Result r = zoo("train", "--model", "resnet18", "--pretrained", "--freeze-backbone", "--dataset",
                "folder:" + root, "--image-size", 32, "--epochs", 1, "--batch-size", 3, "--quiet", "--out",
                tmp.resolve("run"));

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("weights: ").contains("tensors of resnet18:IMAGENET1K_V1")
                .contains("the head 'fc' is new, for 3 classes");
        // frozen: the backbone's weights are the pretrained ones, the new head has 3 rows
        try (org.visionzoo.core.io.TensorFile trained = org.visionzoo.core.io.SafeTensors.read(
                        tmp.resolve("run").resolve("model.safetensors"));
                org.visionzoo.core.io.TensorFile original = org.visionzoo.core.io.SafeTensors.read(
                        tmp.resolve("resnet18.safetensors"))) {
            for (String name : List.of("conv1.weight", "layer4.1.conv2.weight", "layer4.1.bn2.weight")) {
                float[] t = trained.get(name).toFloatArray();
                float[] o = original.get(name).toFloatArray();
                double diff = 0;
                for (int i = 0; i < t.length; i++) {
                    diff = Math.max(diff, Math.abs(t[i] - o[i]));
                }
                assertThat(diff).as(name + ": largest change").isZero();
            }
            assertThat(trained.get("fc.weight").shape()).containsExactly(3, 512);
        }
    }
}
