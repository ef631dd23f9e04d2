package org.visionzoo.training.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Bilinear resize, Resize and CenterCrop against torchvision itself (antialias off), run with the
 * Python of the {@code visionzoo.python} property; as every parity test here, never skipped.
 */
class TorchvisionParityTest {

    private static final String SCRIPT = String.join("\n",
            "import sys, torch",
            "import torchvision.transforms.functional as F",
            "for line in sys.stdin:",
            "    c, h, w, op, a, b = [int(v) for v in line.split()]",
            "    n = c * h * w",
            "    x = ((torch.arange(n, dtype=torch.float64) * 0.618034) % 1.0).float().reshape(1, c, h, w)",
            "    if op == 0:",
            "        y = torch.nn.functional.interpolate(x, size=(a, b), mode='bilinear', align_corners=False)",
            "    else:",
            "        y = F.center_crop(F.resize(x, a, interpolation=F.InterpolationMode.BILINEAR), b)",
            "    print(' '.join([str(v) for v in y.shape[1:]]) + ' ' + ' '.join(repr(float(v)) for v in y.flatten()))",
            "");

    private static Image input(int c, int h, int w) {
        Image img = Image.zeros(c, h, w);
        for (int i = 0; i < img.data().length; i++) {
            img.data()[i] = (float) ((i * 0.618034) % 1.0);
        }
        return img;
    }

    @Test
    void matchesTorchvision() throws IOException, InterruptedException {
        int[][] cases = {
            // c, h, w, op (0: interpolate to a x b, 1: resize(a) + center_crop(b)), a, b
            {3, 7, 5, 0, 3, 11}, {1, 17, 13, 0, 17, 13}, {2, 9, 9, 0, 4, 4}, {1, 5, 8, 0, 12, 3},
            {3, 31, 23, 1, 16, 14}, {1, 12, 40, 1, 9, 9}, {2, 11, 7, 1, 6, 7},
        };
        String python = System.getProperty("visionzoo.python", "/usr/bin/python3");
        Process p = new ProcessBuilder(python, "-c", SCRIPT).redirectErrorStream(true).start();
        StringBuilder in = new StringBuilder();
        for (int[] t : cases) {
            in.append(t[0]).append(' ').append(t[1]).append(' ').append(t[2]).append(' ')
                    .append(t[3]).append(' ').append(t[4]).append(' ').append(t[5]).append('\n');
        }
        p.getOutputStream().write(in.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("python failed (apt-get install python3-torchvision): %s", out)
                .isZero();
        List<String> lines = new ArrayList<>(out.lines().filter(l -> !l.isBlank())
                .filter(l -> Character.isDigit(l.charAt(0))).toList());
        assertThat(lines).hasSize(cases.length);
        for (int k = 0; k < cases.length; k++) {
            int[] t = cases[k];
            Image x = input(t[0], t[1], t[2]);
            Image y = t[3] == 0
                    ? ImageKernels.resizeBilinear(x, 0, 0, t[1], t[2], t[4], t[5])
                    : new CenterCrop(t[5]).apply(new Resize(t[4]).apply(x, null), null);
            String[] v = lines.get(k).split(" ");
            assertThat(new int[] {y.channels(), y.height(), y.width()}).as("shape of case %d", k)
                    .containsExactly(Integer.parseInt(v[0]), Integer.parseInt(v[1]),
                            Integer.parseInt(v[2]));
            assertThat(v).hasSize(3 + y.data().length);
            for (int i = 0; i < y.data().length; i++) {
                assertThat(y.data()[i]).as("case %d value %d", k, i)
                        .isCloseTo(Float.parseFloat(v[3 + i]), within(1e-6f));
            }
        }
    }
}
