package org.visionzoo.training.data;

import org.visionzoo.training.transform.Image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes image files (PNG, JPEG, BMP, GIF, TIFF: what {@code javax.imageio} reads) into {@code
 * CHW} floats in {@code [0, 1]} ({@code value / max}, 255 for 8-bit files), as {@link ImageFolder},
 * {@code zoo predict} and the examples read them.
 *
 * <p>With 3 channels a grayscale file is repeated into the three channels, alpha is dropped and a
 * palette is looked up; with 1 channel RGB becomes luminance, {@code L = R * 299/1000 + G *
 * 587/1000 + B * 114/1000} rounded as Pillow's {@code convert("L")} does. Grayscale and RGB samples
 * are read as stored, without colour management, as Pillow does; other colour models are converted
 * to sRGB by {@code java.awt}.
 *
 * <p>Files are untrusted. The width and height are read from the file's header before anything is
 * decoded, and an image of more than {@link #maxPixels()} pixels is refused at once — a 1.5 MB PNG
 * can declare 40,000 x 40,000 pixels, 6.4 GB of samples (Pillow's {@code DecompressionBombError}
 * guards the same way; the default limit is Pillow's {@code MAX_IMAGE_PIXELS}).
 */
public final class ImageDecoder {

    /** Pillow's {@code Image.MAX_IMAGE_PIXELS}: about a quarter gigapixel of 3 bytes. */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

    private static final ImageDecoder STANDARD = new ImageDecoder(DEFAULT_MAX_PIXELS);

    private final long maxPixels;

    /**
     * A decoder with a pixel limit.
     *
     * @param maxPixels the largest width times height accepted, {@code > 0}
     * @throws IllegalArgumentException if {@code maxPixels <= 0}
     */
    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("the image pixel limit must be > 0, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /**
     * The decoder with the default limit, {@value #DEFAULT_MAX_PIXELS} pixels.
     *
     * @return the decoder
     */
    public static ImageDecoder standard() {
        return STANDARD;
    }

    /**
     * Returns the largest image accepted.
     *
     * @return width times height
     */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Decodes one image file.
     *
     * @param file an image file
     * @param channels 1 (grayscale) or 3 (RGB)
     * @return the image, floats in {@code [0, 1]}, {@code CHW}
     * @throws DatasetException naming the file if it is missing, cannot be read, is not an image
     *     the installed readers decode, or has more pixels than the limit
     * @throws IOException if reading fails otherwise
     * @throws IllegalArgumentException if {@code channels} is not 1 or 3
     */
    public Image decode(Path file, int channels) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file, "image file not found");
        }
        try {
            return decodeOrExplain(file, channels);
        } catch (Undecodable e) {
            throw new DatasetException(file, "could not be decoded as an image (" + e.getMessage() + ")", e.getCause());
        }
    }

    /** A file that could be read but not decoded (or is over the limit); the message says why. */
    static final class Undecodable extends Exception {
        private static final long serialVersionUID = 1L;

        Undecodable(String why, Throwable cause) {
            super(why, cause);
        }
    }

    /**
     * Decodes a file, saying why it is not an image.
     *
     * @throws Undecodable if the bytes are not an image the installed readers decode, or one of
     *     more pixels than the limit
     * @throws DatasetException if the file cannot be opened
     */
    Image decodeOrExplain(Path file, int channels) throws IOException, Undecodable {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        ImageInputStream in;
        try {
            in = new FileImageInputStream(file.toFile());
        } catch (FileNotFoundException e) {
            throw new DatasetException(file, "could not be read (" + e.getMessage() + ")", e);
        }
        return decodeStream(in, in.length() == 0, channels);
    }

    /**
     * Decodes an image held in memory, e.g. a file's bytes read by a distributed job.
     *
     * @param bytes the encoded image (PNG, JPEG, ...)
     * @param source what the bytes came from (a path or URI), for the error message
     * @param channels 1 (grayscale) or 3 (RGB)
     * @return the image, floats in {@code [0, 1]}, {@code CHW}, exactly as {@link #decode(Path,
     *     int)} decodes the same bytes from a file
     * @throws DatasetException naming the source if the bytes are empty, not an image the
     *     installed readers decode, or of more pixels than the limit
     * @throws IllegalArgumentException if {@code channels} is not 1 or 3
     */
    public Image decode(byte[] bytes, String source, int channels) throws DatasetException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        try {
            return decodeStream(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)),
                    bytes.length == 0, channels);
        } catch (Undecodable e) {
            throw new DatasetException(source, "could not be decoded as an image (" + e.getMessage() + ")", e.getCause());
        } catch (IOException e) {
            throw new DatasetException(source, "could not be read (" + e.getMessage() + ")", e);
        }
    }

    /** Decodes a stream and closes it. */
    private Image decodeStream(ImageInputStream in, boolean empty, int channels) throws IOException, Undecodable {
        BufferedImage img;
        try {
            if (empty) {
                throw new Undecodable("empty file", null);
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new Undecodable("no image reader recognises its content", null);
            }
            ImageReader reader = readers.next();
            String format = reader.getOriginatingProvider() != null
                    ? reader.getOriginatingProvider().getFormatNames()[0]
                    : "image";
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new Undecodable(String.format(Locale.ROOT, "%s of %,d x %,d = %,d pixels, more than the"
                            + " limit of %,d (a decompression bomb?); raise the limit if the image is genuine",
                            format, width, height, width * height, maxPixels), null);
                }
                img = reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw new Undecodable(format + " reader failed: " + e, e);
            } finally {
                reader.dispose();
            }
        } finally {
            in.close();
        }
        if (img == null) {
            throw new Undecodable("the reader returned no image", null);
        }
        return toImage(img, channels);
    }

    /** Converts a decoded image to {@code CHW} floats. */
    private static Image toImage(BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int type = cm.getColorSpace().getType();
        boolean rawSamples =
                !(cm instanceof IndexColorModel)
                        && !cm.isAlphaPremultiplied()
                        && (raster.getTransferType() == DataBuffer.TYPE_BYTE
                                || raster.getTransferType() == DataBuffer.TYPE_USHORT
                                || raster.getTransferType() == DataBuffer.TYPE_INT);
        float[] out = new float[channels * plane];
        if (rawSamples
                && type == ColorSpace.TYPE_GRAY
                && cm.getNumColorComponents() == 1
                && cm.getComponentSize(0) <= 16) {
            float max = (1 << cm.getComponentSize(0)) - 1;
            int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int p = 0; p < plane; p++) {
                out[p] = samples[p] / max;
            }
            for (int c = 1; c < channels; c++) {
                System.arraycopy(out, 0, out, c * plane, plane);
            }
            return new Image(channels, h, w, out);
        }
        int[][] rgb = new int[3][];
        int bits;
        if (rawSamples
                && type == ColorSpace.TYPE_RGB
                && cm.getNumColorComponents() == 3
                && cm.getComponentSize(0) <= 16
                && cm.getComponentSize(1) == cm.getComponentSize(0)
                && cm.getComponentSize(2) == cm.getComponentSize(0)) {
            bits = cm.getComponentSize(0);
            for (int b = 0; b < 3; b++) {
                rgb[b] = raster.getSamples(0, 0, w, h, b, (int[]) null);
            }
        } else {
            bits = 8;
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int b = 0; b < 3; b++) {
                rgb[b] = new int[plane];
            }
            for (int p = 0; p < plane; p++) {
                rgb[0][p] = (argb[p] >> 16) & 0xFF;
                rgb[1][p] = (argb[p] >> 8) & 0xFF;
                rgb[2][p] = argb[p] & 0xFF;
            }
        }
        float max = (1 << bits) - 1;
        if (channels == 3) {
            for (int b = 0; b < 3; b++) {
                int[] s = rgb[b];
                for (int p = 0; p < plane; p++) {
                    out[b * plane + p] = s[p] / max;
                }
            }
        } else if (bits == 8) {
            for (int p = 0; p < plane; p++) {
                out[p] = luminance8(rgb[0][p], rgb[1][p], rgb[2][p]) / 255f;
            }
        } else {
            for (int p = 0; p < plane; p++) {
                out[p] = (0.299f * rgb[0][p] + 0.587f * rgb[1][p] + 0.114f * rgb[2][p]) / max;
            }
        }
        return new Image(channels, h, w, out);
    }

    /**
     * The ITU-R 601-2 luma of 8-bit RGB, {@code R * 299/1000 + G * 587/1000 + B * 114/1000}, in
     * 16-bit fixed point and rounded to the nearest integer, as Pillow computes {@code
     * convert("L")}.
     *
     * @param r red, 0..255
     * @param g green, 0..255
     * @param b blue, 0..255
     * @return the luma, 0..255
     */
    static int luminance8(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }
}
