package org.visionzoo.training.transform;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * torchvision's {@code TrivialAugmentWide(num_magnitude_bins=31, interpolation=NEAREST)} on
 * float images in {@code [0, 1]} (apply it before {@link Normalize}): per call one operation drawn
 * uniformly, a magnitude bin drawn uniformly and, for signed operations, a random sign.
 *
 * <p>Magnitudes, as torchvision's wide space: shear {@code [0, 0.99]}, translate {@code [0, 32]}
 * pixels, rotate {@code [0, 135]} degrees, brightness / color / contrast / sharpness factor
 * {@code 1 + [0, 0.99]}, posterize {@code 8 .. 2} bits, solarize threshold {@code 1 .. 0}. On
 * float images the operations follow torchvision's tensor kernels: geometric ones sample with
 * nearest neighbour and fill with 0; posterize and solarize use the float definitions of
 * torchvision v2 ({@code floor(x * 2^bits) / 2^bits}, threshold scaled to 1); equalize quantizes
 * to 8 bits ({@code x * (256 - 1e-3)}, truncated, as {@code convert_image_dtype}) and maps back by
 * {@code / 255}. Color (saturation) leaves one-channel images unchanged, as PIL.
 */
public final class TrivialAugmentWide implements Transform {

    /** The operations, in torchvision's order. */
    public enum Op {
        /** No change. */
        IDENTITY,
        /** Horizontal shear about the top-left corner. */
        SHEAR_X,
        /** Vertical shear about the top-left corner. */
        SHEAR_Y,
        /** Horizontal shift by whole pixels. */
        TRANSLATE_X,
        /** Vertical shift by whole pixels. */
        TRANSLATE_Y,
        /** Rotation about the centre, counter-clockwise for positive degrees. */
        ROTATE,
        /** Brightness factor {@code 1 + m}. */
        BRIGHTNESS,
        /** Saturation factor {@code 1 + m}. */
        COLOR,
        /** Contrast factor {@code 1 + m}. */
        CONTRAST,
        /** Sharpness factor {@code 1 + m}. */
        SHARPNESS,
        /** Keep {@code m} bits. */
        POSTERIZE,
        /** Invert values at or above the threshold {@code m}. */
        SOLARIZE,
        /** Stretch each channel to {@code [0, 1]}. */
        AUTO_CONTRAST,
        /** Histogram equalization per channel. */
        EQUALIZE
    }

    private static final List<Op> OPS = List.of(Op.values());

    private final int bins;

    /** torchvision's default: 31 magnitude bins. */
    public TrivialAugmentWide() {
        this(31);
    }

    /**
     * Creates the transform.
     *
     * @param numMagnitudeBins magnitude bins, at least 2
     * @throws IllegalArgumentException if {@code numMagnitudeBins} is out of range
     */
    public TrivialAugmentWide(int numMagnitudeBins) {
        if (numMagnitudeBins < 2) {
            throw new IllegalArgumentException(
                    "numMagnitudeBins must be >= 2, got " + numMagnitudeBins);
        }
        this.bins = numMagnitudeBins;
    }

    /**
     * Returns the magnitude of a bin, unsigned, as torchvision's augmentation space.
     *
     * @param op the operation
     * @param bin the bin, in {@code [0, numMagnitudeBins)}
     * @return the magnitude (0 for operations without magnitudes)
     */
    public double magnitude(Op op, int bin) {
        double f = (double) bin / (bins - 1);
        switch (op) {
            case SHEAR_X: case SHEAR_Y: case BRIGHTNESS: case COLOR: case CONTRAST: case SHARPNESS:
                return 0.99 * f;
            case TRANSLATE_X: case TRANSLATE_Y:
                return 32.0 * f;
            case ROTATE:
                return 135.0 * f;
            case POSTERIZE:
                return 8 - Math.rint(bin / ((bins - 1) / 6.0));
            case SOLARIZE:
                return 1.0 - f;
            default:
                return 0.0;
        }
    }

    private static boolean hasMagnitude(Op op) {
        return op != Op.IDENTITY && op != Op.AUTO_CONTRAST && op != Op.EQUALIZE;
    }

    private static boolean signed(Op op) {
        return hasMagnitude(op) && op != Op.POSTERIZE && op != Op.SOLARIZE;
    }

    @Override
    public Image apply(Image in, RandomGenerator rng) {
        Op op = OPS.get(rng.nextInt(OPS.size()));
        double m = 0;
        if (hasMagnitude(op)) {
            m = magnitude(op, rng.nextInt(bins));
            if (signed(op) && rng.nextInt(2) == 1) {
                m = -m;
            }
        }
        return apply(op, m, in);
    }

    /**
     * Applies one operation with a given (signed) magnitude.
     *
     * @param op the operation
     * @param m the magnitude, as {@link #magnitude} with a sign
     * @param in the image, values in {@code [0, 1]}; taken over
     * @return the result, possibly {@code in}
     */
    public static Image apply(Op op, double m, Image in) {
        switch (op) {
            case SHEAR_X:
                return affine(in, 0, 0, 0, Math.toDegrees(Math.atan(m)), 0, true);
            case SHEAR_Y:
                return affine(in, 0, 0, 0, 0, Math.toDegrees(Math.atan(m)), true);
            case TRANSLATE_X:
                return affine(in, 0, (int) m, 0, 0, 0, false);
            case TRANSLATE_Y:
                return affine(in, 0, 0, (int) m, 0, 0, false);
            case ROTATE:
                return affine(in, -m, 0, 0, 0, 0, false);
            case BRIGHTNESS:
                return blend(in, null, 1 + m);
            case COLOR:
                return in.channels() == 1 ? in : blend(in, gray(in), 1 + m);
            case CONTRAST:
                return contrast(in, 1 + m);
            case SHARPNESS:
                return sharpness(in, 1 + m);
            case POSTERIZE:
                return posterize(in, (int) m);
            case SOLARIZE:
                return solarize(in, (float) m);
            case AUTO_CONTRAST:
                return autoContrast(in);
            case EQUALIZE:
                return equalize(in);
            default:
                return in;
        }
    }

    /**
     * torchvision's tensor {@code affine}/{@code rotate}: inverse matrix of
     * {@code _get_inverse_affine_matrix}, nearest sampling at pixel centres, zero fill.
     */
    private static Image affine(Image in, double angle, int tx, int ty, double shearX,
            double shearY, boolean topLeftCentre) {
        int h = in.height();
        int w = in.width();
        double cx = topLeftCentre ? -w * 0.5 : 0;
        double cy = topLeftCentre ? -h * 0.5 : 0;
        double rot = Math.toRadians(angle);
        double sx = Math.toRadians(shearX);
        double sy = Math.toRadians(shearY);
        double a = Math.cos(rot - sy) / Math.cos(sy);
        double b = -Math.cos(rot - sy) * Math.tan(sx) / Math.cos(sy) - Math.sin(rot);
        double c = Math.sin(rot - sy) / Math.cos(sy);
        double d = -Math.sin(rot - sy) * Math.tan(sx) / Math.cos(sy) + Math.cos(rot);
        double[] mtx = {d, -b, 0, -c, a, 0};
        mtx[2] += mtx[0] * (-cx - tx) + mtx[1] * (-cy - ty) + cx;
        mtx[5] += mtx[3] * (-cx - tx) + mtx[4] * (-cy - ty) + cy;
        Image out = Image.zeros(in.channels(), h, w);
        float[] src = in.data();
        float[] dst = out.data();
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            double yy = y - h * 0.5 + 0.5;
            for (int x = 0; x < w; x++) {
                double xx = x - w * 0.5 + 0.5;
                double px = mtx[0] * xx + mtx[1] * yy + mtx[2] + w * 0.5 - 0.5;
                double py = mtx[3] * xx + mtx[4] * yy + mtx[5] + h * 0.5 - 0.5;
                int ix = (int) Math.rint(px);
                int iy = (int) Math.rint(py);
                if (ix < 0 || ix >= w || iy < 0 || iy >= h) {
                    continue;
                }
                for (int ch = 0; ch < in.channels(); ch++) {
                    dst[ch * plane + y * w + x] = src[ch * plane + iy * w + ix];
                }
            }
        }
        return out;
    }

    /** {@code clamp(ratio * x + (1 - ratio) * other, 0, 1)}, in place; {@code other} null is 0. */
    private static Image blend(Image in, float[] other, double ratio) {
        float r = (float) ratio;
        float q = (float) (1.0 - ratio);
        float[] d = in.data();
        int plane = in.height() * in.width();
        for (int i = 0; i < d.length; i++) {
            float o = other == null ? 0f : other[other.length == plane ? i % plane : i];
            d[i] = Math.min(1f, Math.max(0f, r * d[i] + q * o));
        }
        return in;
    }

    /** ITU-R 601-2 luma, one plane ({@code rgb_to_grayscale}); the image itself if 1 channel. */
    private static float[] gray(Image in) {
        int plane = in.height() * in.width();
        float[] d = in.data();
        if (in.channels() < 3) {
            return Arrays.copyOf(d, plane);
        }
        float[] g = new float[plane];
        for (int i = 0; i < plane; i++) {
            g[i] = 0.2989f * d[i] + 0.587f * d[plane + i] + 0.114f * d[2 * plane + i];
        }
        return g;
    }

    private static Image contrast(Image in, double factor) {
        float[] g = gray(in);
        double sum = 0;
        for (float v : g) {
            sum += v;
        }
        float[] mean = {(float) (sum / g.length)};
        float r = (float) factor;
        float q = (float) (1.0 - factor);
        float[] d = in.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.min(1f, Math.max(0f, r * d[i] + q * mean[0]));
        }
        return in;
    }

    private static Image sharpness(Image in, double factor) {
        int h = in.height();
        int w = in.width();
        if (h <= 2 || w <= 2) {
            return in;
        }
        float[] d = in.data();
        float[] blurred = d.clone();
        int plane = h * w;
        for (int ch = 0; ch < in.channels(); ch++) {
            int base = ch * plane;
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    float s = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        int row = base + (y + dy) * w + x;
                        s += d[row - 1] + d[row] + d[row + 1];
                    }
                    s += 4 * d[base + y * w + x];
                    blurred[base + y * w + x] = s / 13f;
                }
            }
        }
        return blend(in, blurred, factor);
    }

    private static Image posterize(Image in, int bits) {
        float levels = 1 << bits;
        float[] d = in.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.min(levels - 1, Math.max(0f, (float) Math.floor(d[i] * levels))) / levels;
        }
        return in;
    }

    private static Image solarize(Image in, float threshold) {
        float[] d = in.data();
        for (int i = 0; i < d.length; i++) {
            if (d[i] >= threshold) {
                d[i] = 1f - d[i];
            }
        }
        return in;
    }

    private static Image autoContrast(Image in) {
        float[] d = in.data();
        int plane = in.height() * in.width();
        for (int ch = 0; ch < in.channels(); ch++) {
            int base = ch * plane;
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int i = base; i < base + plane; i++) {
                lo = Math.min(lo, d[i]);
                hi = Math.max(hi, d[i]);
            }
            if (hi == lo) {
                lo = 0f;
            }
            float scale = hi == lo ? 1f : 1f / (hi - lo);
            for (int i = base; i < base + plane; i++) {
                d[i] = Math.min(1f, Math.max(0f, (d[i] - lo) * scale));
            }
        }
        return in;
    }

    private static Image equalize(Image in) {
        float[] d = in.data();
        int plane = in.height() * in.width();
        int[] q = new int[plane];
        int[] hist = new int[256];
        for (int ch = 0; ch < in.channels(); ch++) {
            int base = ch * plane;
            Arrays.fill(hist, 0);
            for (int i = 0; i < plane; i++) {
                int v = (int) (Math.min(1f, Math.max(0f, d[base + i])) * (256f - 1e-3f));
                q[i] = v;
                hist[v]++;
            }
            // PIL's algorithm: step from all non-empty bins but the last
            int last = 255;
            while (last > 0 && hist[last] == 0) {
                last--;
            }
            long total = 0;
            for (int v = 0; v < last; v++) {
                total += hist[v];
            }
            long step = total / 255;
            if (step == 0) {
                for (int i = 0; i < plane; i++) {
                    d[base + i] = q[i] / 255f;
                }
                continue;
            }
            int[] lut = new int[256];
            long cum = step / 2;
            for (int v = 0; v < 256; v++) {
                lut[v] = (int) Math.min(255, cum / step);
                cum += hist[v];
            }
            for (int i = 0; i < plane; i++) {
                d[base + i] = lut[q[i]] / 255f;
            }
        }
        return in;
    }

    @Override
    public String toString() {
        return "TrivialAugmentWide(numMagnitudeBins=" + bins + ")";
    }
}
