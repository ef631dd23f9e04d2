package org.visionzoo.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.testing.HostileFiles;
import org.visionzoo.training.transform.Image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Image files are decoded with a pixel limit read from the header before anything is decoded. */
class ImageDecoderTest {

    @TempDir Path dir;

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderAtOnce() throws IOException {
        Path bomb = HostileFiles.bombPng(dir.resolve("bomb.png"), 40_000, 40_000);
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
        HostileFiles.bombPng(root.resolve("a").resolve("0-bomb.png"), 30_000, 30_000);
        ImageFolderTest.png(root.resolve("a").resolve("1-fine.png"), 0x112233);
        ImageFolderTest.png(root.resolve("b").resolve("0.png"), 0x445566);
        ImageFolder strict = ImageFolder.open(root, ImageFolder.Options.defaults());
        assertThatThrownBy(() -> strict.load(0)).isInstanceOf(DatasetException.class).hasMessageContaining("0-bomb.png");
        ImageFolder skipping = ImageFolder.open(root, ImageFolder.Options.defaults().skipUndecodable(true));
        assertThat(ImageFolderTest.red(skipping.load(0))).isEqualTo(0x11);
        assertThat(skipping.skippedCount()).isEqualTo(1);
    }

    @Test
    void bytesInMemoryDecodeExactlyAsTheirFileWithTheSameChecks() throws IOException {
        Path rgb = ImageFolderTest.write(ImageFolderTest.solid(7, 5, 0x102030), "png", dir.resolve("rgb.png"));
        byte[] bytes = Files.readAllBytes(rgb);
        for (int channels : new int[] {1, 3}) {
            assertThat(ImageDecoder.standard().decode(bytes, "mem", channels))
                    .isEqualTo(ImageDecoder.standard().decode(rgb, channels));
        }
        assertThatThrownBy(() -> new ImageDecoder(34).decode(bytes, "s3a://b/rgb.png", 3))
                .isInstanceOf(DatasetException.class).hasMessageContaining("s3a://b/rgb.png")
                .hasMessageContaining("7 x 5 = 35 pixels");
        assertThatThrownBy(() -> ImageDecoder.standard().decode(new byte[0], "empty.png", 3))
                .hasMessageContaining("empty.png").hasMessageContaining("empty file");
        assertThatThrownBy(() -> ImageDecoder.standard().decode(new byte[] {1, 2, 3}, "junk.png", 3))
                .hasMessageContaining("junk.png").hasMessageContaining("no image reader recognises its content");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.png");
        assertThatThrownBy(() -> ImageDecoder.standard().decode(missing, 1)).isInstanceOf(DatasetException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("image file not found");
    }
}
