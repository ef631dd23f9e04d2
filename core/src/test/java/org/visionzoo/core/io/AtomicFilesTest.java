package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.visionzoo.core.io.IoTestSupport.fileNames;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

class AtomicFilesTest {

    @TempDir Path dir;

    @Test
    void replacesTheTargetAndLeavesNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("t.bin"), "old");

        AtomicFiles.write(target, channel -> channel.write(utf8("new content")));

        assertThat(Files.readString(target)).isEqualTo("new content");
        assertThat(fileNames(dir)).containsExactly("t.bin");
    }

    @Test
    void anIoFailureHalfWayLeavesTheTargetAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("t.bin"), "old");
        IOException failure = new IOException("disk full");

        assertThatThrownBy(
                        () ->
                                AtomicFiles.write(
                                        target,
                                        channel -> {
                                            channel.write(utf8("partial"));
                                            throw failure;
                                        }))
                .isSameAs(failure);

        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(fileNames(dir)).containsExactly("t.bin");
    }

    @Test
    void anUncheckedFailureHalfWayLeavesTheTargetAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("t.bin"), "old");

        assertThatThrownBy(
                        () ->
                                AtomicFiles.write(
                                        target,
                                        channel -> {
                                            channel.write(utf8("partial"));
                                            throw new IllegalStateException("inconsistent tensor");
                                        }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(fileNames(dir)).containsExactly("t.bin");
    }

    @Test
    void aFailureWithoutATargetCreatesNothing() {
        assertThatThrownBy(
                        () ->
                                AtomicFiles.write(
                                        dir.resolve("t.bin"),
                                        channel -> {
                                            throw new IOException("no");
                                        }))
                .hasMessage("no");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aNewFileGetsThePermissionsOfAPlainNewFile() throws IOException {
        Path plain = Files.createFile(dir.resolve("plain.bin"));
        Path written = dir.resolve("written.bin");

        AtomicFiles.write(written, channel -> channel.write(utf8("x")));

        assertThat(Files.getPosixFilePermissions(written))
                .isEqualTo(Files.getPosixFilePermissions(plain));
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
