package org.visionzoo.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.visionzoo.training.transform.Image;

/** Spark's {@code image} data source struct, converted to the decoder's {@code CHW} floats. */
final class SparkImages {

    private SparkImages() {}

    /** Whether a column type is the {@code image} source's struct (origin, height, width, nChannels, mode, data). */
    static boolean isImageStruct(DataType type) {
        if (!(type instanceof StructType s)) {
            return false;
        }
        return has(s, "height", DataTypes.IntegerType) && has(s, "width", DataTypes.IntegerType)
                && has(s, "nChannels", DataTypes.IntegerType) && has(s, "data", DataTypes.BinaryType);
    }

    private static boolean has(StructType s, String name, DataType type) {
        for (StructField f : s.fields()) {
            if (f.name().equals(name)) {
                return f.dataType().equals(type);
            }
        }
        return false;
    }

    /**
     * Converts an image struct: 8-bit samples, row-major, BGR(A) order as the {@code image} source
     * stores them, to RGB (alpha dropped) or, for one channel, the luma that the decoder computes.
     *
     * @throws IllegalArgumentException naming the source if the struct is null or malformed
     */
    static Image fromImageStruct(Row image, int channels, String source) {
        if (image == null) {
            throw new IllegalArgumentException(source + ": no image (null; the image source could not decode the file)");
        }
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int n = image.getInt(image.fieldIndex("nChannels"));
        int dataIndex = image.fieldIndex("data");
        byte[] data = image.isNullAt(dataIndex) ? null : (byte[]) image.get(dataIndex);
        if (h <= 0 || w <= 0 || (n != 1 && n != 3 && n != 4) || data == null || data.length != (long) h * w * n) {
            throw new IllegalArgumentException(source + ": not a decoded image (expected height, width > 0, nChannels"
                    + " 1, 3 or 4 and height * width * nChannels bytes; got " + h + " x " + w + " x " + n + ", "
                    + (data == null ? "no" : data.length) + " bytes; an invalid image?)");
        }
        int plane = h * w;
        float[] out = new float[channels * plane];
        for (int p = 0; p < plane; p++) {
            int base = p * n;
            int r;
            int g;
            int b;
            if (n == 1) {
                r = g = b = data[base] & 0xff;
            } else {
                b = data[base] & 0xff;
                g = data[base + 1] & 0xff;
                r = data[base + 2] & 0xff;
            }
            if (channels == 1) {
                int luma = n == 1 ? r : (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
                out[p] = luma / 255f;
            } else {
                out[p] = r / 255f;
                out[plane + p] = g / 255f;
                out[2 * plane + p] = b / 255f;
            }
        }
        return new Image(channels, h, w, out);
    }
}
