package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.visionzoo.core.io.IoTestSupport.fileNames;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

class AtomicFileTest {

    @TempDir Path dir;

    @Test
    void replacesTheTargetAndLeavesNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("t.bin"), "old");

        AtomicFile.writeChannel(target, channel -> channel.write(utf8("new content")));

        assertThat(Files.readString(target)).isEqualTo("new content");
        assertThat(fileNames(dir)).containsExactly("t.bin");
    }

    @Test
    void anIoFailureHalfWayLeavesTheTargetAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("t.bin"), "old");
        IOException failure = new IOException("disk full");

        assertThatThrownBy(() -> AtomicFile.writeChannel(target, channel -> {
            channel.write(utf8("partial"));
            throw failure;
        })).isSameAs(failure);

        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(fileNames(dir)).containsExactly("t.bin");
    }

    @Test
    void anUncheckedFailureHalfWayLeavesTheTargetAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("t.bin"), "old");

        assertThatThrownBy(() -> AtomicFile.writeChannel(target, channel -> {
            channel.write(utf8("partial"));
            throw new IllegalStateException("inconsistent tensor");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(fileNames(dir)).containsExactly("t.bin");
    }

    @Test
    void aFailureWithoutATargetCreatesNothing() {
        assertThatThrownBy(() -> AtomicFile.writeChannel(dir.resolve("t.bin"), channel -> {
            throw new IOException("no");
        })).hasMessage("no");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aNewFileGetsThePermissionsOfAPlainNewFile() throws IOException {
        Path plain = Files.createFile(dir.resolve("plain.bin"));
        Path written = dir.resolve("written.bin");

        AtomicFile.write(written, new byte[] {1});

        assertThat(Files.getPosixFilePermissions(written)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void aSymbolicLinkStaysALinkAndItsTargetIsReplaced() throws IOException {
        Path real = Files.writeString(Files.createDirectory(dir.resolve("data")).resolve("w.bin"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("latest.bin"), Path.of("data", "w.bin"));

        AtomicFile.write(link, "new".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new");
        assertThat(fileNames(dir.resolve("data"))).containsExactly("w.bin");
    }

    @Test
    void aDanglingLinkCreatesTheFileItNames() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("out.bin"), dir.resolve("made.bin"));

        AtomicFile.write(link, new byte[] {7});

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("made.bin"))).containsExactly(7);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aCharacterDeviceIsWrittenThroughNotReplaced() throws IOException {
        Path devNull = Path.of("/dev/null");
        Files.createSymbolicLink(dir.resolve("sink"), devNull);

        AtomicFile.write(devNull, new byte[] {1, 2, 3});
        AtomicFile.write(dir.resolve("sink"), new byte[] {4});

        assertThat(Files.isRegularFile(devNull)).isFalse();
        assertThat(Files.isSymbolicLink(dir.resolve("sink"))).isTrue();
        assertThat(fileNames(Path.of("/dev"))).noneMatch(n -> n.endsWith(AtomicFile.TEMP_SUFFIX));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aFifoIsWrittenThroughToItsReader() throws Exception {
        Path fifo = dir.resolve("pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        AtomicFile.write(fifo, "through the pipe".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(reader.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("through the pipe");
        assertThat(Files.isRegularFile(fifo)).isFalse();
        assertThat(fileNames(dir)).containsExactly("pipe");
    }

    @Test
    void aDirectoryIsRefusedByName() throws IOException {
        Path target = Files.createDirectory(dir.resolve("out"));
        assertThatThrownBy(() -> AtomicFile.write(target, new byte[1]))
                .isInstanceOf(FileSystemException.class)
                .hasMessage(target + ": is a directory, not a file");
    }

    @Test
    void aParentThatIsAFileIsNamedInTheMessage() throws IOException {
        Path file = Files.writeString(dir.resolve("some.safetensors"), "x");
        Path target = file.resolve("o.npy");
        assertThatThrownBy(() -> AtomicFile.write(target, new byte[1]))
                .isInstanceOf(NotDirectoryException.class)
                .hasMessage(target.toAbsolutePath() + " (" + file.toAbsolutePath() + " is a file, not a directory)");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void errorsNameTheTargetNotTheTemporaryFile() {
        // A 250-character name is valid, its temporary's is too long for the file system.
        Path target = dir.resolve("w".repeat(246) + ".bin");
        assertThatThrownBy(() -> AtomicFile.write(target, new byte[1]))
                .isInstanceOf(FileSystemException.class)
                .hasMessageStartingWith(target.toString())
                .hasMessageNotContaining(AtomicFile.TEMP_SUFFIX);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void temporariesOfKilledWritersAreRemovedByTheNextWriteAndLiveOnesAreKept() throws IOException {
        Path target = dir.resolve("checkpoint.safetensors");
        long dead = deadPid();
        Path stale = Files.writeString(dir.resolve(".checkpoint.safetensors." + dead + "-abc" + AtomicFile.TEMP_SUFFIX), "half");
        Path live = Files.writeString(dir.resolve(".checkpoint.safetensors." + ProcessHandle.current().pid() + "-def"
                + AtomicFile.TEMP_SUFFIX), "in progress");
        Path other = Files.writeString(dir.resolve(".other.bin." + dead + "-ghi" + AtomicFile.TEMP_SUFFIX), "not ours");

        AtomicFile.write(target, new byte[] {1});

        assertThat(stale).doesNotExist();
        assertThat(live).exists();
        assertThat(other).as("another target's temporary").exists();
    }

    @Test
    void temporaryFilesAreHiddenAndNameTheirProcess() throws IOException {
        Path target = dir.resolve("t.bin");
        String[] seen = new String[1];
        AtomicFile.writeChannel(target, channel -> seen[0] = fileNames(dir).get(0));
        assertThat(seen[0]).startsWith(".t.bin." + ProcessHandle.current().pid() + "-").endsWith(AtomicFile.TEMP_SUFFIX);
    }

    /** A pid no process has now (pids are below 2^22 on Linux). */
    private static long deadPid() {
        for (long pid = 4_000_000; ; pid++) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
