package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;
import org.visionzoo.core.pretrained.PretrainedWeights;
import org.visionzoo.core.pretrained.WeightsCatalogue;

/** Every model of the weights catalogue is registered, with torchvision's parameter count and crop. */
class CatalogueRegistryTest {

    @Test
    void everyCatalogueModelIsRegisteredWithItsParameterCountAndCropSize() {
        WeightsCatalogue c = WeightsCatalogue.standard();
        for (PretrainedWeights w : c.entries()) {
            ModelSpec spec = Models.registry().find(w.model()).orElseThrow(
                    () -> new AssertionError(w.id() + ": model not registered"));
            assertThat(spec.params()).as(w.id()).isEqualTo(w.numParams());
            assertThat(spec.numClasses()).as(w.id()).isEqualTo(w.categories().size());
            if (w.isDefault()) {
                assertThat(spec.imageSize()).as(w.id() + " crop").isEqualTo(w.transform().cropSize());
            }
        }
    }
}
