package org.visionzoo.examples.zoo;

import org.visionzoo.training.data.ImageDecoder;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --max-image-pixels}, shared by the commands that decode image files. */
final class ImageLimitOption {

    @Option(
            names = "--max-image-pixels",
            paramLabel = "N",
            description = "Refuse images of more pixels (width x height) than this, read from the file's header"
                    + " before decoding: a small file can declare a huge image (default: ${DEFAULT-VALUE}, Pillow's"
                    + " limit).")
    long maxImagePixels = ImageDecoder.DEFAULT_MAX_PIXELS;

    /** The decoder for the option; a usage error if it is not positive. */
    ImageDecoder decoder(CommandSpec spec) {
        if (maxImagePixels <= 0) {
            throw new Errors.UsageError(spec.commandLine(), "--max-image-pixels must be > 0, got " + maxImagePixels);
        }
        return new ImageDecoder(maxImagePixels);
    }
}
