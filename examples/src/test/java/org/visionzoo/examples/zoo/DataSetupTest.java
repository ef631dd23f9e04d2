package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.visionzoo.training.data.ImageDataset;
import org.visionzoo.training.data.LabeledImages;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

class DataSetupTest {

    private static ImageDataset data() {
        int n = 103;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : 2;
        }
        byte[] pixels = new byte[n * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i / 4);
        }
        return ImageDataset.of("t", 1, 2, 2, ImageDataset.Layout.CHW, pixels, labels, List.of("a", "b", "c"));
    }

    private static Set<String> images(LabeledImages d) throws Exception {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < d.size(); i++) {
            out.add(java.util.Arrays.toString(d.load(i).data()));
        }
        return out;
    }

    @Test
    void heldOutSplitsArePerClassSeededAndDisjoint() throws Exception {
        ImageDataset all = data();
        LabeledImages val = DataSetup.heldOut(all, 0.2, 7, true);
        LabeledImages train = DataSetup.heldOut(all, 0.2, 7, false);
        assertThat(val.size() + train.size()).isEqualTo(all.size());
        assertThat(val.size()).isEqualTo(7 + 7 + 7);
        Set<String> v = images(val);
        v.retainAll(images(train));
        assertThat(v).isEmpty();
        assertThat(images(DataSetup.heldOut(all, 0.2, 7, true))).isEqualTo(images(val));
        assertThat(images(DataSetup.heldOut(all, 0.2, 8, true))).isNotEqualTo(images(val));
    }

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
