package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.List;

class ImageDatasetTest {

    /** Two 2-channel 1x3 images: CHW bytes c*10 + p, image 2 offset by 100. */
    private static final byte[] CHW = {0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112};

    private static final byte[] HWC = {0, 10, 1, 11, 2, 12, 100, 110, 101, 111, 102, 112};

    private static ImageDataset chw() {
        return ImageDataset.of(
                "t", 2, 1, 3, ImageDataset.Layout.CHW, CHW, new int[] {1, 0}, List.of("a", "b"));
    }

    @Test
    void transposesBetweenLayouts() {
        ImageDataset hwc = chw().withLayout(ImageDataset.Layout.HWC);

        assertThat(hwc.layout()).isEqualTo(ImageDataset.Layout.HWC);
        assertThat(hwc.image(0)).containsExactly(0, 10, 1, 11, 2, 12);
        assertThat(hwc.image(1)).containsExactly(100, 110, 101, 111, 102, 112);
        assertThat(hwc.labels()).containsExactly(1, 0);
        assertThat(hwc.withLayout(ImageDataset.Layout.CHW).image(1))
                .containsExactly(100, 101, 102, 110, 111, 112);
        assertThat(hwc.withLayout(ImageDataset.Layout.HWC)).isSameAs(hwc);
        byte[] all = new byte[12];
        hwc.pixels().get(all);
        assertThat(all).isEqualTo(HWC);
    }

    @Test
    void copiesTheArraysGivenToOf() {
        byte[] pixels = CHW.clone();
        int[] labels = {1, 0};
        ImageDataset set =
                ImageDataset.of(
                        "t", 2, 1, 3, ImageDataset.Layout.CHW, pixels, labels, List.of("a", "b"));

        pixels[0] = 42;
        labels[0] = 0;

        assertThat(set.image(0)[0]).isEqualTo((byte) 0);
        assertThat(set.label(0)).isEqualTo(1);
        assertThat(set.labelHistogram()).containsExactly(1, 1);
        assertThat(set).hasToString("t[2 x 2x1x3 CHW, 2 classes]");
    }

    @Test
    void rejectsInconsistentArguments() {
        assertThatThrownBy(
                        () ->
                                ImageDataset.of(
                                        "t",
                                        2,
                                        1,
                                        3,
                                        ImageDataset.Layout.CHW,
                                        new byte[11],
                                        new int[] {1, 0},
                                        List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 12 pixel bytes, got 11");
        assertThatThrownBy(
                        () ->
                                ImageDataset.of(
                                        "t",
                                        2,
                                        1,
                                        3,
                                        ImageDataset.Layout.CHW,
                                        CHW,
                                        new int[] {2, 0},
                                        List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label 2 at index 0 is out of range");
    }
}
