package org.visionzoo.core.pretrained;

/**
 * PIL's resampling ({@code Image.resize}, {@code ImagingResample}): a separable convolution whose
 * filter support is scaled by the downscale factor (antialiasing), horizontal pass first, each pass
 * rounded and clipped to 8-bit levels as PIL does on 8-bit images.
 */
final class Resampling {

    private Resampling() {}

    private static double filter(Interpolation mode, double x) {
        x = Math.abs(x);
        if (mode == Interpolation.BILINEAR) {
            return x < 1 ? 1 - x : 0;
        }
        double a = -0.5;
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0;
    }

    private static double support(Interpolation mode) {
        return mode == Interpolation.BILINEAR ? 1 : 2;
    }

    /** For each output index: the first input index, then the normalised weights. */
    private record Coefficients(int[] start, double[][] weights) {}

    private static Coefficients coefficients(int in, int out, Interpolation mode, boolean antialias) {
        double scale = (double) in / out;
        double filterScale = antialias ? Math.max(scale, 1.0) : 1.0;
        double support = support(mode) * filterScale;
        double ss = 1.0 / filterScale;
        int[] start = new int[out];
        double[][] weights = new double[out][];
        for (int xx = 0; xx < out; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), in) - xmin;
            double[] w = new double[Math.max(xmax, 0)];
            double total = 0;
            for (int x = 0; x < w.length; x++) {
                w[x] = filter(mode, (x + xmin - center + 0.5) * ss);
                total += w[x];
            }
            if (total != 0) {
                for (int x = 0; x < w.length; x++) {
                    w[x] /= total;
                }
            }
            start[xx] = xmin;
            weights[xx] = w;
        }
        return new Coefficients(start, weights);
    }

    private static float clip8(double v) {
        double r = Math.floor(v + 0.5);
        return (float) (r < 0 ? 0 : r > 255 ? 255 : r);
    }

    /**
     * Resizes planes of 8-bit levels (values 0..255 as floats).
     *
     * @param src {@code channels * height * width} values, {@code CHW}
     * @return {@code channels * outHeight * outWidth} values, rounded to levels
     */
    static float[] resize(float[] src, int channels, int height, int width, int outHeight, int outWidth,
            Interpolation mode, boolean antialias) {
        float[] cur = src;
        int w = width;
        if (outWidth != width) {
            Coefficients c = coefficients(width, outWidth, mode, antialias);
            float[] dst = new float[channels * height * outWidth];
            for (int ch = 0; ch < channels; ch++) {
                for (int y = 0; y < height; y++) {
                    int row = (ch * height + y) * width;
                    int outRow = (ch * height + y) * outWidth;
                    for (int xx = 0; xx < outWidth; xx++) {
                        double[] k = c.weights()[xx];
                        int s = row + c.start()[xx];
                        double acc = 0;
                        for (int i = 0; i < k.length; i++) {
                            acc += k[i] * cur[s + i];
                        }
                        dst[outRow + xx] = clip8(acc);
                    }
                }
            }
            cur = dst;
            w = outWidth;
        }
        if (outHeight != height) {
            Coefficients c = coefficients(height, outHeight, mode, antialias);
            float[] dst = new float[channels * outHeight * w];
            for (int ch = 0; ch < channels; ch++) {
                int plane = ch * height * w;
                for (int yy = 0; yy < outHeight; yy++) {
                    double[] k = c.weights()[yy];
                    int s = plane + c.start()[yy] * w;
                    int outRow = (ch * outHeight + yy) * w;
                    for (int x = 0; x < w; x++) {
                        double acc = 0;
                        for (int i = 0; i < k.length; i++) {
                            acc += k[i] * cur[s + i * w + x];
                        }
                        dst[outRow + x] = clip8(acc);
                    }
                }
            }
            cur = dst;
        }
        return cur == src ? src.clone() : cur;
    }
}
