package org.visionzoo.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file's content all at once: the content goes to a new file next to the target (with
 * the permissions a plain new file gets), is forced to disk and renamed over the target, so that a
 * reader, a crash or an exception half-way sees the old content or the new, never a part. Every
 * file VisionZoo writes goes through here (weights, checkpoints, logs, plots, run descriptions).
 *
 * <ul>
 *   <li><b>Symbolic links</b> are followed: the file a link points to is replaced (next to it),
 *       the link stays a link. A dangling link creates the file it names.
 *   <li><b>Special files</b> (a FIFO, a character device such as {@code /dev/null} or {@code
 *       /dev/stdout}, a socket) are written through, as {@code cp} would: replacing them with a
 *       regular file would break them. A directory is refused.
 *   <li><b>Temporary files</b> are named {@code .<name>.<pid>-<random>.visionzoo-tmp}: hidden,
 *       recognisable, and owned by a process. One left behind by a process that was killed is
 *       removed by the next write to the same target.
 *   <li><b>Errors</b> name the target the caller asked for, never the temporary file.
 * </ul>
 */
public final class AtomicFile {

    /** The suffix of temporary files. */
    static final String TEMP_SUFFIX = ".visionzoo-tmp";

    private static final int MAX_LINKS = 40;

    /** Writes a file's whole content to a stream. */
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

    /** Writes a file's whole content to a channel. */
    @FunctionalInterface
    interface ChannelContent {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFile() {}

    /**
     * Replaces (or creates) a file, creating missing parent folders. On failure the target is left
     * as it was and the temporary file is removed.
     *
     * @param target the file
     * @param content what to write
     * @throws IOException if writing or renaming fails; the message names {@code target}
     */
    public static void write(Path target, Content content) throws IOException {
        writeChannel(target, channel -> {
            // Not closed: that would close the channel before it is forced.
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

    /** {@link #write(Path, Content)} for writers that want the channel itself. */
    static void writeChannel(Path target, ChannelContent content) throws IOException {
        Path file = resolve(target);
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            if (Files.isDirectory(file)) {
                throw new FileSystemException(target.toString(), null, "is a directory, not a file");
            }
            writeThrough(target, file, content);
            return;
        }
        Path directory = file.getParent();
        prepareDirectory(target, directory);
        removeStaleTemporaries(directory, file.getFileName().toString());
        Path temp = createTemp(target, directory, file.getFileName().toString());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                // Data must be on disk before the rename makes it visible, or a crash could leave
                // the target renamed but empty.
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException failure) {
            deleteAfterFailure(temp, failure);
            throw renamed(failure, temp, target);
        } catch (RuntimeException | Error failure) {
            deleteAfterFailure(temp, failure);
            throw failure;
        }
        syncDirectory(directory);
    }

    /** Follows symbolic links to the file they name (which need not exist yet). */
    static Path resolve(Path target) throws IOException {
        Path file = target.toAbsolutePath();
        for (int i = 0; Files.isSymbolicLink(file); i++) {
            if (i == MAX_LINKS) {
                throw new FileSystemException(target.toString(), null, "too many levels of symbolic links");
            }
            file = file.resolveSibling(Files.readSymbolicLink(file)).normalize();
        }
        return file;
    }

    private static void prepareDirectory(Path target, Path directory) throws IOException {
        if (directory == null) {
            throw new FileSystemException(target.toString(), null, "has no parent directory to write into");
        }
        for (Path p = directory; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new NotDirectoryException(target + " (" + p + " is a file, not a directory)");
                }
                break;
            }
        }
        Files.createDirectories(directory);
    }

    private static void writeThrough(Path target, Path file, ChannelContent content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            content.writeTo(channel);
        } catch (IOException e) {
            throw renamed(e, file, target);
        }
    }

    /**
     * Creates an empty temporary file, like {@link Files#createTempFile} but with the permissions a
     * plain new file gets (createTempFile makes it owner-only, and the rename would carry that over
     * to the target). CREATE_NEW refuses an existing file or link, so another process cannot
     * redirect the write.
     */
    private static Path createTemp(Path target, Path directory, String name) throws IOException {
        long pid = ProcessHandle.current().pid();
        while (true) {
            String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            Path temp = directory.resolve("." + name + "." + pid + "-" + random + TEMP_SUFFIX);
            try {
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                // Name taken by a concurrent writer; draw another.
            } catch (IOException e) {
                throw renamed(e, temp, target);
            }
        }
    }

    /**
     * Deletes {@code .<name>.<pid>-*.visionzoo-tmp} files of {@code directory} whose process no
     * longer runs: what a killed writer of the same target left behind.
     */
    static void removeStaleTemporaries(Path directory, String name) {
        String prefix = "." + name + ".";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory,
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(TEMP_SUFFIX))) {
            for (Path file : files) {
                String rest = file.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = dash > 0 ? Long.parseLong(rest.substring(0, dash)) : -1;
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid > 0 && ProcessHandle.of(pid).isEmpty()
                        && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a leftover costs disk space, not correctness.
        }
    }

    /** The same failure, saying {@code target} where the message named the temporary file. */
    private static IOException renamed(IOException failure, Path temp, Path target) {
        if (failure instanceof NoSuchFileException e) {
            return new NoSuchFileException(target.toString(), null, reasonOr(e, "no such file or directory"));
        }
        if (failure instanceof FileSystemException e) {
            FileSystemException r = new FileSystemException(target.toString(), null,
                    reasonOr(e, e.getClass().getSimpleName()));
            r.initCause(e);
            return r;
        }
        if (failure.getMessage() != null && failure.getMessage().contains(temp.toString())) {
            return new IOException(failure.getMessage().replace(temp.toString(), target.toString()), failure);
        }
        return failure;
    }

    private static String reasonOr(FileSystemException e, String fallback) {
        return e.getReason() != null ? e.getReason() : fallback;
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
