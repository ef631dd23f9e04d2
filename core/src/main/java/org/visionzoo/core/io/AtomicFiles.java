package org.visionzoo.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically: readers of the target see either the old file or the complete new
 * one, never a partial write, and a failed write leaves the old file untouched.
 */
final class AtomicFiles {

    /** Writes the content of a file; may fail half-way. */
    @FunctionalInterface
    interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Writes {@code content} to a temporary file next to {@code target}, forces it to disk and
     * renames it over {@code target}. On any failure the temporary file is deleted.
     */
    static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temp = createTemp(directory, absolute.getFileName().toString());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                // Data must be on disk before the rename makes it visible, or a crash could leave
                // the target renamed but empty.
                channel.force(true);
            }
            Files.move(
                    temp,
                    absolute,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable failure) {
            deleteAfterFailure(temp, failure);
            throw failure;
        }
        syncDirectory(directory);
    }

    /**
     * Creates an empty file {@code <name><random>.tmp}, like {@link Files#createTempFile} but with
     * the permissions a plain new file gets (createTempFile makes it owner-only, and the rename
     * would carry that over to the target). CREATE_NEW refuses an existing file or link, so another
     * process cannot redirect the write.
     */
    private static Path createTemp(Path directory, String name) throws IOException {
        while (true) {
            String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong());
            Path temp = directory.resolve(name + suffix + ".tmp");
            try {
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                        .close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                // Name taken by a concurrent writer; draw another.
            }
        }
    }

    private static void deleteAfterFailure(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Makes the rename itself durable. Best effort: opening a directory works on Linux and macOS
     * but not on every platform, and the new file is complete either way.
     */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Not supported here; the rename is still atomic, only its durability is weaker.
        }
    }
}
