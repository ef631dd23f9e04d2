package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

class StratifiedSplitTest {

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
        LabeledImages val = StratifiedSplit.heldOut(all, 0.2, 7, true);
        LabeledImages train = StratifiedSplit.heldOut(all, 0.2, 7, false);
        assertThat(val.size() + train.size()).isEqualTo(all.size());
        assertThat(val.size()).isEqualTo(7 + 7 + 7);
        Set<String> v = images(val);
        v.retainAll(images(train));
        assertThat(v).isEmpty();
        assertThat(images(StratifiedSplit.heldOut(all, 0.2, 7, true))).isEqualTo(images(val));
        assertThat(images(StratifiedSplit.heldOut(all, 0.2, 8, true))).isNotEqualTo(images(val));
    }

    @Test
    void heldOutRejectsAFractionOutsideZeroOne() {
        assertThatThrownBy(() -> StratifiedSplit.heldOut(data(), 1.0, 7, true)).hasMessageContaining("fraction");
    }
}
