package org.visionzoo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.TinyNet;

import java.util.List;

class ModelsTest {

    /** Builds {@link TinyNet}s (3 input channels only). */
    static final class TinyBuilder extends ClassifierBuilder<TinyBuilder> {
        TinyBuilder() {
            super(10, 0);
        }

        @Override
        protected TinyBuilder self() {
            return this;
        }

        @Override
        public TinyNet build() {
            return new TinyNet(numClasses());
        }
    }

    static ModelSpec spec(String name) {
        return new ModelSpec(name, "Tiny", 32, 32, 10, 3, 1234, 5678, "none", TinyBuilder::new);
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
    void namesResolveIgnoringCaseAndABuilderCanBeAdjusted() {
        Models models = Models.of(List.of(provider("tiny_a")));
        assertThat(models.get("Tiny_A").name()).isEqualTo("tiny_a");
        assertThat(models.find("TINY_A")).isPresent();
        assertThat(models.get("tiny_a").create(b -> b.numClasses(4)).numClasses()).isEqualTo(4);
        assertThat(models.get("tiny_a").builder().numClasses()).isEqualTo(10);
        assertThatThrownBy(() -> models.get("tiny_a").create(b -> b.dropout(1.0)))
                .hasMessage("dropout must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> models.get("tiny_a").create(b -> b.inChannels(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("built a model with 10 classes and 3 input channels, not 10 and 1");
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
        assertThatThrownBy(() -> new ModelSpec("Bad Name", "f", 32, 32, 10, 3, 1, 1, "p", TinyBuilder::new))
                .hasMessageContaining("model name must match");
        assertThatThrownBy(() -> new ModelSpec("ok", "f", 0, 0, 10, 3, 1, 1, "p", TinyBuilder::new))
                .hasMessageContaining("must be > 0");
        assertThatThrownBy(() -> new ModelSpec("ok", "f", 300, 299, 10, 3, 1, 1, "p", TinyBuilder::new))
                .hasMessage("model 'ok': evalResize must be >= imageSize (300), got 299");
    }

    @Test
    void evalResizeDefaultsToTorchvisionsRatioFor224AndToTheImageSizeOtherwise() {
        assertThat(new ModelFamily("f", 224, 10, "p").variant("a", 1, 1).spec(TinyBuilder::new).evalResize()).isEqualTo(256);
        assertThat(new ModelFamily("f", 32, 10, "p").variant("b", 1, 1).spec(TinyBuilder::new).evalResize()).isEqualTo(32);
        ModelSpec explicit = new ModelSpec("c", "f", 300, 320, 10, 3, 1, 1, "p", TinyBuilder::new);
        assertThat(explicit.imageSize()).isEqualTo(300);
        assertThat(explicit.evalResize()).isEqualTo(320);
        assertThat(ModelSpec.defaultEvalResize(224)).isEqualTo(256);
        assertThat(ModelSpec.defaultEvalResize(240)).isEqualTo(240);
    }
}
