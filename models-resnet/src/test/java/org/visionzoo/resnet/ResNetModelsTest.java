package org.visionzoo.resnet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;

import java.util.List;

/** The family's registry entries, derived from its two variant tables. */
class ResNetModelsTest {

    /** Every entry the module registers, in registration order (the tests' parameter source). */
    static List<ModelSpec> specs() {
        return new ResNetModels().models();
    }

    /** The position of an entry among {@link #specs()}, for per-model seeds and batch sizes. */
    static int index(ModelSpec spec) {
        return specs().stream().map(ModelSpec::name).toList().indexOf(spec.name());
    }

    @Test
    void everyRowOfBothTablesIsRegisteredInTableOrder() {
        List<String> expected = new java.util.ArrayList<>();
        for (ResNetVariant v : ResNetVariant.values()) {
            expected.add(v.modelName());
        }
        for (CifarResNetVariant v : CifarResNetVariant.values()) {
            expected.add(v.modelName());
        }
        assertThat(specs()).extracting(ModelSpec::name).containsExactlyElementsOf(expected);
        assertThat(specs()).hasSize(15);
    }

    @Test
    void aRowsBuilderCarriesItsArchitectureAndTheRegistryAdjustsIt() {
        ResNet.Config c = ResNetVariant.RESNEXT101_32X8D.builder().build().config();
        assertThat(c.layers()).containsExactly(3, 4, 23, 3);
        assertThat(c.groups()).isEqualTo(32);
        assertThat(c.widthPerGroup()).isEqualTo(8);
        assertThat(ResNetVariant.WIDE_RESNET50_2.builder().build().config().widthPerGroup()).isEqualTo(128);
        assertThat(CifarResNetVariant.RESNET110.builder().build().depth()).isEqualTo(110);

        ResNet tuned = (ResNet) Models.create("ResNet18", b -> b.dropout(0.25).numClasses(7));
        assertThat(tuned.config().dropout()).isEqualTo(0.25);
        assertThat(tuned.numClasses()).isEqualTo(7);
        assertThat(tuned.config().layers()).containsExactly(2, 2, 2, 2);
        assertThat(((ResNet.Builder) Models.builder("resnet50")).zeroInitResidual(true).build().config().zeroInitResidual())
                .isTrue();
    }
}
