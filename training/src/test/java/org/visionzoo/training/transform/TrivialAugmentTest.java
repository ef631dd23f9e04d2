package org.visionzoo.training.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.visionzoo.training.transform.TrivialAugmentWide.Op;

class TrivialAugmentTest {

    private static Image sample(long seed) {
        byte[] px = new byte[3 * 16 * 16];
        new SplittableRandom(seed).nextBytes(px);
        return Image.fromU8(px, 3, 16, 16);
    }

    @Test
    void magnitudeTable() {
        TrivialAugmentWide t = new TrivialAugmentWide();
        assertThat(t.magnitude(Op.SHEAR_X, 0)).isZero();
        assertThat(t.magnitude(Op.SHEAR_X, 30)).isCloseTo(0.99, within(1e-12));
        assertThat(t.magnitude(Op.TRANSLATE_Y, 15)).isCloseTo(16, within(1e-12));
        assertThat(t.magnitude(Op.ROTATE, 30)).isCloseTo(135, within(1e-12));
        assertThat(t.magnitude(Op.POSTERIZE, 0)).isEqualTo(8);
        assertThat(t.magnitude(Op.POSTERIZE, 12)).isEqualTo(6); // 8 - round(2.4)
        assertThat(t.magnitude(Op.POSTERIZE, 30)).isEqualTo(2);
        assertThat(t.magnitude(Op.SOLARIZE, 0)).isEqualTo(1);
        assertThat(t.magnitude(Op.SOLARIZE, 30)).isZero();
        assertThat(t.magnitude(Op.EQUALIZE, 17)).isZero();
    }

    @Test
    void posterizeSolarizeAutoContrast() {
        Image img = new Image(1, 1, 4, new float[] {0f, 0.3f, 0.6f, 1f});
        assertThat(TrivialAugmentWide.apply(Op.POSTERIZE, 2, img.copy()).data())
                .containsExactly(0f, 0.25f, 0.5f, 0.75f);
        assertThat(TrivialAugmentWide.apply(Op.SOLARIZE, 0.5, img.copy()).data())
                .containsExactly(0f, 0.3f, 1f - 0.6f, 0f);
        Image narrow = new Image(1, 1, 3, new float[] {0.2f, 0.3f, 0.6f});
        float[] ac = TrivialAugmentWide.apply(Op.AUTO_CONTRAST, 0, narrow).data();
        assertThat(ac[0]).isZero();
        assertThat(ac[1]).isCloseTo(0.25f, within(1e-6f));
        assertThat(ac[2]).isEqualTo(1f);
        // translate by whole pixels, zero fill
        Image row = new Image(1, 1, 4, new float[] {1, 2, 3, 4});
        assertThat(TrivialAugmentWide.apply(Op.TRANSLATE_X, 1.9, row).data())
                .containsExactly(0, 1, 2, 3);
        // zero magnitudes are the identity
        for (Op op : new Op[] {Op.IDENTITY, Op.SHEAR_X, Op.SHEAR_Y, Op.ROTATE, Op.BRIGHTNESS,
                Op.COLOR, Op.CONTRAST, Op.SHARPNESS}) {
            Image x = sample(3);
            assertThat(TrivialAugmentWide.apply(op, 0, x.copy())).as("%s", op).isEqualTo(x);
        }
    }

    @Test
    void deterministicBoundedAndVaried() {
        TrivialAugmentWide t = new TrivialAugmentWide();
        int changed = 0;
        for (int i = 0; i < 300; i++) {
            Image a = t.apply(sample(i), new SplittableRandom(i));
            Image b = t.apply(sample(i), new SplittableRandom(i));
            assertThat(a).isEqualTo(b);
            assertThat(new int[] {a.channels(), a.height(), a.width()}).containsExactly(3, 16, 16);
            for (float v : a.data()) {
                assertThat(v).isBetween(0f, 1f);
            }
            changed += a.equals(sample(i)) ? 0 : 1;
        }
        // identity and a few zero-magnitude draws leave the image; most draws change it
        assertThat(changed).isBetween(220, 295);
        assertThatThrownBy(() -> new TrivialAugmentWide(1))
                .hasMessageContaining("numMagnitudeBins").hasMessageContaining("1");
    }
}
