package org.visionzoo.training.transform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.pretrained.EvalTransform;
import org.visionzoo.core.pretrained.Interpolation;

import java.util.SplittableRandom;

/** The model's torchvision preset as a pipeline transform. */
class EvalPresetTest {

    @Test
    void modelsWithWeightsGetTheirPresetAtTheirCropSizeElseDefaults() {
        EvalTransform r50 = EvalPreset.forModel("resnet50", 224, Normalize.IMAGENET).transform();
        assertThat(r50.resizeSize()).isEqualTo(232);
        assertThat(r50.interpolation()).isEqualTo(Interpolation.BILINEAR);
        EvalTransform b3 = EvalPreset.forModel("efficientnet_b3", 300, Normalize.IMAGENET).transform();
        assertThat(b3.resizeSize()).isEqualTo(320);
        assertThat(b3.interpolation()).isEqualTo(Interpolation.BICUBIC);
        assertThat(EvalPreset.forModel("resnet50", 128, Normalize.IMAGENET).transform().resizeSize()).isEqualTo(146);
        assertThat(EvalPreset.forModel(null, 224, Normalize.IMAGENET).transform().resizeSize()).isEqualTo(256);
        EvalTransform gray = EvalPreset.forModel("resnet20", 32, Normalize.FASHION_MNIST).transform();
        assertThat(gray.mean()).hasSize(1);
        assertThat(gray.mean().get(0)).isEqualTo((double) Normalize.FASHION_MNIST.mean()[0]);
    }

    @Test
    void appliesResizeCropAndNormalisation() {
        EvalPreset preset = EvalPreset.forModel(null, 4, Normalize.IMAGENET); // resize 5, crop 4
        Image in = Image.zeros(3, 10, 20);
        java.util.Arrays.fill(in.data(), 102 / 255f);

        Image out = preset.apply(in, new SplittableRandom(0));

        assertThat(out.channels()).isEqualTo(3);
        assertThat(out.height()).isEqualTo(4);
        assertThat(out.width()).isEqualTo(4);
        // a flat image stays flat, normalised per channel
        assertThat(out.data()[0]).isCloseTo((102 / 255f - 0.485f) / 0.229f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(out.data()[2 * 16]).isCloseTo((102 / 255f - 0.406f) / 0.225f, org.assertj.core.data.Offset.offset(1e-5f));
    }
}
