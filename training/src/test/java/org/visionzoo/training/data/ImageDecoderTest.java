package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.training.transform.Image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Image files are decoded with a pixel limit read from the header before anything is decoded. */
class ImageDecoderTest {

    @TempDir Path dir;

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderAtOnce() throws IOException {
        Path bomb = bombPng(dir.resolve("bomb.png"), 40_000, 40_000);
        assertThat(Files.size(bomb)).isLessThan(1_000);
        long start = System.nanoTime();
        assertThatThrownBy(() -> ImageDecoder.standard().decode(bomb, 3))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(bomb.toString())
                .hasMessageContaining("40,000 x 40,000 = 1,600,000,000 pixels, more than the limit of 89,478,485");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(1);
    }

    @Test
    void theLimitCanBeLoweredAndRaised() throws IOException {
        Path small = ImageFolderTest.write(ImageFolderTest.solid(16, 8, 0x102030), "png", dir.resolve("s.png"));
        assertThatThrownBy(() -> new ImageDecoder(127).decode(small, 3)).hasMessageContaining("16 x 8 = 128 pixels");
        Image img = new ImageDecoder(128).decode(small, 3);
        assertThat(img.width()).isEqualTo(16);
        assertThat(img.height()).isEqualTo(8);
        assertThatThrownBy(() -> new ImageDecoder(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the image pixel limit must be > 0, got 0");
    }

    @Test
    void skippingUndecodableFilesSkipsABombToo() throws IOException {
        Path root = dir.resolve("folder");
        bombPng(root.resolve("a").resolve("0-bomb.png"), 30_000, 30_000);
        ImageFolderTest.png(root.resolve("a").resolve("1-fine.png"), 0x112233);
        ImageFolderTest.png(root.resolve("b").resolve("0.png"), 0x445566);
        ImageFolder strict = ImageFolder.open(root, ImageFolder.Options.defaults());
        assertThatThrownBy(() -> strict.load(0)).isInstanceOf(DatasetException.class).hasMessageContaining("0-bomb.png");
        ImageFolder skipping = ImageFolder.open(root, ImageFolder.Options.defaults().skipUndecodable(true));
        assertThat(ImageFolderTest.red(skipping.load(0))).isEqualTo(0x11);
        assertThat(skipping.skippedCount()).isEqualTo(1);
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.png");
        assertThatThrownBy(() -> ImageDecoder.standard().decode(missing, 1)).isInstanceOf(DatasetException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("image file not found");
    }

    /**
     * A PNG whose header declares {@code w x h} 8-bit grayscale pixels and whose data is a few
     * deflated rows: valid up to the point where a decoder would allocate the image.
     */
    static Path bombPng(Path file, int w, int h) throws IOException {
        Files.createDirectories(file.getParent());
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[w + 1]); // one zero row
        deflater.finish();
        byte[] buf = new byte[1024];
        int n = deflater.deflate(buf);
        chunk(png, "IDAT", java.util.Arrays.copyOf(buf, n));
        chunk(png, "IEND", new byte[0]);
        return Files.write(file, png.toByteArray());
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
