package org.visionzoo.training.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.visionzoo.training.transform.TrivialAugmentWide.Op;

/** TrivialAugmentWide's operations against torchvision's {@code _apply_op}; never skipped. */
class TrivialAugmentParityTest {

    private static final int C = 3;
    private static final int H = 29;
    private static final int W = 27;

    private static final String SCRIPT = String.join("\n",
            "import sys, torch",
            "from torchvision.transforms import InterpolationMode",
            "from torchvision.transforms.autoaugment import _apply_op",
            "for line in sys.stdin:",
            "    name, m = line.split()",
            "    n = " + C * H * W,
            "    v = (torch.arange(n) * 37 + 11) % 256",
            "    u8 = (v * v // 255).to(torch.uint8).reshape(" + C + ", " + H
                    + ", " + W + ")",
            "    x = u8 if name == 'Equalize' else u8.float() / 255",
            "    y = _apply_op(x, name, float(m), interpolation=InterpolationMode.NEAREST, fill=None)",
            "    y = y.float() / 255 if name == 'Equalize' else y",
            "    print('OK ' + ' '.join(repr(float(v)) for v in y.flatten()))",
            "");

    private static Image input() {
        byte[] px = new byte[C * H * W];
        for (int i = 0; i < px.length; i++) {
            int v = (i * 37 + 11) % 256;
            px[i] = (byte) (v * v / 255); // skewed, so that equalize changes it
        }
        return Image.fromU8(px, C, H, W);
    }

    @Test
    void operationsMatchTorchvision() throws IOException, InterruptedException {
        Object[][] cases = {
            {Op.IDENTITY, "Identity", 0.0}, {Op.SHEAR_X, "ShearX", 0.33},
            {Op.SHEAR_X, "ShearX", -0.759}, {Op.SHEAR_Y, "ShearY", 0.561},
            {Op.TRANSLATE_X, "TranslateX", 5.33}, {Op.TRANSLATE_Y, "TranslateY", -7.47},
            {Op.ROTATE, "Rotate", 31.5}, {Op.ROTATE, "Rotate", -103.5},
            {Op.BRIGHTNESS, "Brightness", 0.495}, {Op.BRIGHTNESS, "Brightness", -0.66},
            {Op.COLOR, "Color", 0.792}, {Op.COLOR, "Color", -0.429},
            {Op.CONTRAST, "Contrast", 0.9}, {Op.CONTRAST, "Contrast", -0.3},
            {Op.SHARPNESS, "Sharpness", 0.99}, {Op.SHARPNESS, "Sharpness", -0.5},
            {Op.SOLARIZE, "Solarize", 0.4}, {Op.AUTO_CONTRAST, "AutoContrast", 0.0},
            {Op.EQUALIZE, "Equalize", 0.0},
        };
        String python = System.getProperty("visionzoo.python", "/usr/bin/python3");
        Process p = new ProcessBuilder(python, "-c", SCRIPT).redirectErrorStream(true).start();
        StringBuilder in = new StringBuilder();
        for (Object[] t : cases) {
            in.append(t[1]).append(' ').append(t[2]).append('\n');
        }
        p.getOutputStream().write(in.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("python failed (apt-get install python3-torchvision): %s", out)
                .isZero();
        List<String> lines = out.lines().filter(l -> l.startsWith("OK ")).toList();
        assertThat(lines).hasSize(cases.length);
        for (int k = 0; k < cases.length; k++) {
            Op op = (Op) cases[k][0];
            Image y = TrivialAugmentWide.apply(op, (Double) cases[k][2], input());
            String[] v = lines.get(k).substring(3).split(" ");
            assertThat(v).hasSize(y.data().length);
            for (int i = 0; i < v.length; i++) {
                assertThat(y.data()[i]).as("%s %s value %d", op, cases[k][2], i)
                        .isCloseTo(Float.parseFloat(v[i]), within(2e-6f));
            }
        }
    }
}
