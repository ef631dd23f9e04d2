package org.visionzoo.core.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.testing.TorchReference;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The committed catalogue equals what the generator makes from the installed torchvision. */
class WeightsCatalogueTest {

    static final Path GENERATOR = Path.of("src/main/python/gen_weights_catalogue.py");

    @Test
    void committedCatalogueEqualsTheGeneratorsOutputFromTorchvision() throws Exception {
        assertThat(GENERATOR).isRegularFile();
        Process p = new ProcessBuilder(TorchReference.python().toString(), GENERATOR.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] generated = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("exit status of " + GENERATOR).isZero();
        byte[] committed;
        try (InputStream in = WeightsCatalogue.class.getResourceAsStream(WeightsCatalogue.RESOURCE)) {
            committed = in.readAllBytes();
        }
        assertThat(new String(committed, StandardCharsets.UTF_8))
                .as("the committed catalogue; regenerate it with " + GENERATOR
                        + " > core/src/main/resources/org/visionzoo/core/pretrained/" + WeightsCatalogue.RESOURCE)
                .isEqualTo(new String(generated, StandardCharsets.UTF_8));
    }

    @Test
    void catalogueHasEveryTorchvisionEntryOfTheFourFamilies() {
        WeightsCatalogue c = WeightsCatalogue.standard();

        assertThat(c.source()).isEqualTo("torchvision 0.14.1");
        assertThat(c.models()).hasSize(28).startsWith("resnet18").endsWith("efficientnet_v2_l");
        assertThat(c.entries()).hasSize(38);
        assertThat(c.entries()).allSatisfy(w -> {
            assertThat(w.url().toString()).isEqualTo("https://download.pytorch.org/models/" + w.file());
            assertThat(w.file()).contains("-" + w.sha256Prefix() + ".");
            assertThat(w.categories()).hasSize(1000);
            assertThat(w.acc1()).isBetween(60.0, 90.0);
            assertThat(w.acc5()).isBetween(w.acc1(), 100.0);
        });
        for (String model : c.models()) {
            assertThat(c.forModel(model).stream().filter(PretrainedWeights::isDefault)).hasSize(1);
        }
        // one list of names, shared by all entries
        assertThat(c.entries()).allSatisfy(w -> assertThat(w.categories()).isSameAs(c.get("resnet18").categories()));
    }

    @Test
    void entriesCarryTorchvisionsFigures() {
        WeightsCatalogue c = WeightsCatalogue.standard();

        PretrainedWeights r50 = c.get("resnet50");
        assertThat(r50.tag()).isEqualTo("IMAGENET1K_V2");
        assertThat(r50.file()).isEqualTo("resnet50-11ad3fa6.pth");
        assertThat(r50.acc1()).isEqualTo(80.858);
        assertThat(r50.acc5()).isEqualTo(95.434);
        assertThat(r50.numParams()).isEqualTo(25_557_032L);
        assertThat(r50.transform()).isEqualTo(new EvalTransform(232, 224, Interpolation.BILINEAR,
                EvalTransform.IMAGENET_MEAN, EvalTransform.IMAGENET_STD, true));
        assertThat(c.get("resnet50", "imagenet1k_v1").transform().resizeSize()).isEqualTo(256);
        assertThat(c.byId("resnet50:imagenet1k_v1").sha256Prefix()).isEqualTo("0676ba61");
        assertThat(c.get("resnet50", "DEFAULT")).isEqualTo(r50);
        assertThat(r50.categories().get(0)).isEqualTo("tench");
        assertThat(r50.categories().get(999)).isEqualTo("toilet tissue");

        EvalTransform b3 = c.get("efficientnet_b3").transform();
        assertThat(b3.interpolation()).isEqualTo(Interpolation.BICUBIC);
        assertThat(b3.cropSize()).isEqualTo(300);
        assertThat(b3.resizeSize()).isEqualTo(320);
        assertThat(c.get("efficientnet_v2_l").transform().mean()).containsExactly(0.5, 0.5, 0.5);
        assertThat(c.forModel("mobilenet_v3_large")).extracting(PretrainedWeights::tag)
                .containsExactly("IMAGENET1K_V1", "IMAGENET1K_V2");
    }

    @Test
    void transformsOfModelsWithoutWeightsAreTorchvisionStyleDefaults() {
        WeightsCatalogue c = WeightsCatalogue.standard();

        assertThat(c.evalTransform("mobilenet_v1")).isEmpty();
        assertThat(c.evalTransform("mobilenet_v1", 224)).isEqualTo(new EvalTransform(256, 224,
                Interpolation.BILINEAR, List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), true));
        assertThat(c.evalTransform("densenet121", 999).cropSize()).isEqualTo(224);
    }

    @Test
    void unknownModelsAndTagsAreNamed() {
        WeightsCatalogue c = WeightsCatalogue.standard();

        assertThatThrownBy(() -> c.get("resnet20"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no pretrained weights for model 'resnet20' in the catalogue (torchvision 0.14.1);"
                        + " models with weights: resnet18, resnet34,");
        assertThatThrownBy(() -> c.get("resnet50", "IMAGENET1K_V3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model 'resnet50' has no weights tagged 'IMAGENET1K_V3'; its tags: IMAGENET1K_V1,"
                        + " IMAGENET1K_V2 (default IMAGENET1K_V2)");
    }

    @Test
    void malformedCataloguesAreRefusedNamingTheDocument() throws IOException {
        assertThatThrownBy(() -> WeightsCatalogue.parse(new StringReader("{\"models\": 3}"), "mirror.json"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("mirror.json: not a weights catalogue (");
        String json = Files.readString(Path.of("src/main/resources/org/visionzoo/core/pretrained/"
                + WeightsCatalogue.RESOURCE)).replace("\"default\": \"IMAGENET1K_V2\"", "\"default\": \"V9\"");
        assertThatThrownBy(() -> WeightsCatalogue.parse(new StringReader(json), "edited.json"))
                .isInstanceOf(IOException.class)
                .hasMessage("edited.json: resnet50: the default V9 is none of its entries");
    }
}
