package org.visionzoo.training.report;

import org.visionzoo.core.io.AtomicFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Replaces a file's content all at once, through core's {@link AtomicFile} (a temporary file in
 * the same folder, synced, then renamed over the target, with a plain new file's permissions).
 */
final class AtomicFiles {

    /** Writes content to a stream. */
    @FunctionalInterface
    interface Content {

        /**
         * Writes the whole content.
         *
         * @param out the stream to write to; the caller closes it
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Replaces (or creates) {@code target} with the content, creating missing parent folders. On
     * failure the temporary file is removed and the target is left as it was.
     *
     * @param target the file to write
     * @param content what to write
     * @throws IOException if writing or renaming fails
     */
    static void write(Path target, Content content) throws IOException {
        AtomicFile.write(target, content::writeTo);
    }
}
