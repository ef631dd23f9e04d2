package org.visionzoo.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Replaces a file's content all at once: the content goes to a new file next to the target (with
 * the permissions a plain new file gets), is forced to disk and renamed over the target, so that a
 * reader, a crash or an exception half-way sees the old content or the new, never a part. What the
 * weights writers of this package use, for any other file (logs, plots, run descriptions).
 */
public final class AtomicFile {

    /** Writes a file's whole content. */
    @FunctionalInterface
    public interface Content {

        /**
         * Writes the content.
         *
         * @param out the stream; the caller flushes and closes it
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {}

    /**
     * Replaces (or creates) a file, creating missing parent folders. On failure the target is left
     * as it was and the temporary file is removed.
     *
     * @param target the file
     * @param content what to write
     * @throws IOException if writing or renaming fails
     */
    public static void write(Path target, Content content) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        AtomicFiles.write(target, channel -> {
            OutputStream out = Channels.newOutputStream(channel);
            content.writeTo(out);
            out.flush();
        });
    }

    /**
     * Replaces (or creates) a file with the given bytes.
     *
     * @param target the file
     * @param bytes the content
     * @throws IOException if writing or renaming fails
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }
}
