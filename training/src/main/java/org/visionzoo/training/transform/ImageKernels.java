package org.visionzoo.training.transform;

import java.util.Arrays;

/**
 * Kernels on {@link Image}s' float arrays shared by the transforms: cropping with constant
 * padding and PyTorch-exact bilinear resizing (the NDArray operations of the models are
 * {@code org.visionzoo.core.nn.Ops}, a different thing).
 */
final class ImageKernels {

    private ImageKernels() {}

    /**
     * Crops the window {@code [top, top + h) x [left, left + w)}, which may extend past the image;
     * positions outside it get {@code fill} (constant padding).
     */
    static Image crop(Image in, int top, int left, int h, int w, float fill) {
        int c = in.channels();
        int ih = in.height();
        int iw = in.width();
        float[] src = in.data();
        Image out = Image.zeros(c, h, w);
        float[] dst = out.data();
        // columns of the window inside the image
        int x0 = Math.max(0, -left);
        int x1 = Math.min(w, iw - left);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int row = (ch * h + y) * w;
                int sy = top + y;
                if (sy < 0 || sy >= ih || x0 >= x1) {
                    Arrays.fill(dst, row, row + w, fill);
                    continue;
                }
                if (x0 > 0) {
                    Arrays.fill(dst, row, row + x0, fill);
                }
                System.arraycopy(src, (ch * ih + sy) * iw + left + x0, dst, row + x0, x1 - x0);
                if (x1 < w) {
                    Arrays.fill(dst, row + x1, row + w, fill);
                }
            }
        }
        return out;
    }

    /**
     * Bilinearly resizes the in-bounds window {@code [top, top + h) x [left, left + w)} to
     * {@code outH x outW}, as PyTorch's {@code upsample_bilinear2d} with
     * {@code align_corners=False} and no antialiasing (float arithmetic, as PyTorch on the CPU).
     */
    static Image resizeBilinear(Image in, int top, int left, int h, int w, int outH, int outW) {
        if (top == 0 && left == 0 && h == in.height() && w == in.width()
                && outH == h && outW == w) {
            return in; // exact identity, as torchvision skips resizing to the same size
        }
        int c = in.channels();
        int iw = in.width();
        int ih = in.height();
        float[] src = in.data();
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] wx = new float[outW];
        indices(w, outW, x0, x1, wx);
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        float[] wy = new float[outH];
        indices(h, outH, y0, y1, wy);
        Image out = Image.zeros(c, outH, outW);
        float[] dst = out.data();
        int o = 0;
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * ih * iw;
            for (int y = 0; y < outH; y++) {
                float ly1 = wy[y];
                float ly0 = 1f - ly1;
                int r0 = plane + (top + y0[y]) * iw + left;
                int r1 = plane + (top + y1[y]) * iw + left;
                for (int x = 0; x < outW; x++) {
                    float lx1 = wx[x];
                    float lx0 = 1f - lx1;
                    dst[o++] = ly0 * (lx0 * src[r0 + x0[x]] + lx1 * src[r0 + x1[x]])
                            + ly1 * (lx0 * src[r1 + x0[x]] + lx1 * src[r1 + x1[x]]);
                }
            }
        }
        return out;
    }

    /** Source indices and the weight of the second one, per output position. */
    private static void indices(int in, int out, int[] i0, int[] i1, float[] lambda1) {
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            float s = scale * (d + 0.5f) - 0.5f;
            if (s < 0) {
                s = 0;
            }
            int a = Math.min((int) s, in - 1);
            i0[d] = a;
            i1[d] = a < in - 1 ? a + 1 : a;
            lambda1[d] = s - a;
        }
    }

    /** Python's {@code int(round(v))}: round half to even. */
    static int roundHalfEven(double v) {
        return (int) Math.rint(v);
    }
}
