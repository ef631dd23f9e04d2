package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

class DataSetupTest {

    @Test
    void parsesDatasetNames() {
        assertThat(DataSetup.parse("fashion-mnist").kind()).isEqualTo(DataSetup.Kind.FASHION_MNIST);
        assertThat(DataSetup.parse("CIFAR10").kind()).isEqualTo(DataSetup.Kind.CIFAR10);
        assertThat(DataSetup.parse("cifar-100").kind()).isEqualTo(DataSetup.Kind.CIFAR100);
        assertThat(DataSetup.parse("folder:/data/pets").folder()).isEqualTo(Path.of("/data/pets"));
        assertThatThrownBy(() -> DataSetup.parse("folder:")).hasMessageContaining("needs a folder");
        assertThatThrownBy(() -> DataSetup.parse("imagenet")).hasMessageContaining("fashion-mnist, mnist");
    }
}
