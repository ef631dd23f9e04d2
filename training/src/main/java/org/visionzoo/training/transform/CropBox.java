package org.visionzoo.training.transform;

/**
 * A rectangle of an image: rows {@code [top, top + height)}, columns {@code [left, left + width)}.
 *
 * @param top first row
 * @param left first column
 * @param height rows
 * @param width columns
 */
public record CropBox(int top, int left, int height, int width) {

    /**
     * Returns the number of pixels per channel.
     *
     * @return {@code height * width}
     */
    public long area() {
        return (long) height * width;
    }
}
