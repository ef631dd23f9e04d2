package org.visionzoo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.TinyNet;

import java.util.List;

class ModelsTest {

    static ModelSpec spec(String name) {
        return new ModelSpec(name, "Tiny", 32, 10, 3, 1234, 5678, "none", (n, c) -> new TinyNet(n));
    }

    static ModelProvider provider(String... names) {
        return () -> java.util.Arrays.stream(names).map(ModelsTest::spec).toList();
    }

    @Test
    void createsByNameWithDefaultOrGivenClassCount() {
        Models models = Models.of(List.of(provider("tiny_a", "tiny_b")));
        assertThat(models.all()).extracting(ModelSpec::name).containsExactly("tiny_a", "tiny_b");
        assertThat(models.get("tiny_a").create().numClasses()).isEqualTo(10);
        assertThat(models.get("tiny_b").create(17).numClasses()).isEqualTo(17);
        assertThatThrownBy(() -> models.get("tiny_a").create(0)).hasMessageContaining("numClasses must be > 0, got 0");
    }

    @Test
    void refusesADuplicateNameNamingBothProviders() {
        ModelProvider first = provider("resnet50");
        ModelProvider second = provider("resnet18", "resnet50");
        assertThatThrownBy(() -> Models.of(List.of(first, second)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'resnet50' is registered twice")
                .hasMessageContaining(first.getClass().getName())
                .hasMessageContaining(second.getClass().getName());
    }

    @Test
    void unknownNameListsTheClosestNames() {
        Models models = Models.of(List.of(provider("resnet18", "resnet50", "resnet101", "densenet121", "mobilenet_v2")));
        assertThatThrownBy(() -> models.get("resnt50"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown model 'resnt50'; closest: resnet50, ");
        assertThat(models.closest("densenet", 1)).containsExactly("densenet121");
        assertThat(models.find("nope")).isEmpty();
    }

    @Test
    void editDistanceIsLevenshtein() {
        assertThat(Models.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(Models.editDistance("", "abc")).isEqualTo(3);
        assertThat(Models.editDistance("same", "same")).isZero();
    }

    @Test
    void specValidatesItsFields() {
        assertThatThrownBy(() -> new ModelSpec("Bad Name", "f", 32, 10, 3, 1, 1, "p", (n, c) -> new TinyNet(n)))
                .hasMessageContaining("model name must match");
        assertThatThrownBy(() -> new ModelSpec("ok", "f", 0, 10, 3, 1, 1, "p", (n, c) -> new TinyNet(n)))
                .hasMessageContaining("must be > 0");
        assertThatThrownBy(() -> new ModelSpec("ok", "f", 300, 299, 10, 3, 1, 1, "p", (n, c) -> new TinyNet(n)))
                .hasMessage("model 'ok': evalResize must be >= imageSize (300), got 299");
    }

    @Test
    void evalResizeDefaultsToTorchvisionsRatioFor224AndToTheImageSizeOtherwise() {
        assertThat(new ModelSpec("a", "f", 224, 10, 3, 1, 1, "p", (n, c) -> new TinyNet(n)).evalResize()).isEqualTo(256);
        assertThat(spec("b").evalResize()).isEqualTo(32);
        ModelSpec explicit = new ModelSpec("c", "f", 300, 320, 10, 3, 1, 1, "p", (n, c) -> new TinyNet(n));
        assertThat(explicit.imageSize()).isEqualTo(300);
        assertThat(explicit.evalResize()).isEqualTo(320);
        assertThat(ModelSpec.defaultEvalResize(224)).isEqualTo(256);
        assertThat(ModelSpec.defaultEvalResize(240)).isEqualTo(240);
    }
}
