package org.visionzoo.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The container of a weights file, recognised by its structure, never by its name or two magic
 * bytes: a safetensors file starts with an 8-byte little-endian header length {@code N} such that
 * the JSON header that follows begins with <code>{</code> and fits in the file; a zip archive
 * ({@code .npz}) starts with a zip local-file or end-of-archive signature. A safetensors header
 * length can begin with the bytes {@code PK} (any length that is 0x4B50 modulo 65536), so the
 * safetensors test comes first: a zip's first eight bytes read as a length far beyond any file.
 * A zip archive is a {@code torch.save} file ({@code .pth}, {@code .pt}) when its central directory
 * names a {@code <prefix>/data.pkl} entry, else an {@code .npz}; a file that starts like the legacy
 * {@code torch.save} format (before torch 1.6) is also a {@link #PTH}.
 */
public enum WeightsFormat {
    /** A safetensors file. */
    SAFETENSORS,
    /** A zip archive of {@code .npy} entries, as {@code numpy.savez} writes. */
    NPZ,
    /** A {@code torch.save} zip archive ({@code .pth}, {@code .pt}), read by {@link Pth}. */
    PTH;

    private static final int PREFIX = 16;

    /**
     * Recognises a file.
     *
     * @param path the file
     * @return its container
     * @throws TensorFormatException if it is neither
     * @throws IOException if reading fails
     */
    public static WeightsFormat detect(Path path) throws IOException {
        return detectFormat(path);
    }

    /** Whether a file has a POSIX tar header ({@code ustar} at offset 257). */
    private static boolean isTar(Path path) throws IOException {
        byte[] block;
        try (InputStream in = Files.newInputStream(path)) {
            block = in.readNBytes(263);
        }
        return block.length == 263 && new String(block, 257, 5, java.nio.charset.StandardCharsets.US_ASCII)
                .equals("ustar");
    }

    private static WeightsFormat detectFormat(Path path) throws IOException {
        long size = Files.size(path);
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(PREFIX);
        }
        if (head.length >= 9) {
            long headerLength = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength >= 2 && headerLength <= size - 8 && head[8] == '{') {
                return SAFETENSORS;
            }
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                return Pth.isTorchZip(channel) ? PTH : NPZ;
            }
        }
        if (Pth.isLegacy(head)) {
            return PTH;
        }
        if (isTar(path)) {
            throw new TensorFormatException(path, "a tar archive, perhaps a torch.save file of the format before"
                    + " torch 0.1.10, which is not supported; re-save it with a current torch:"
                    + " torch.save(torch.load(\"old.pth\"), \"new.pth\")");
        }
        throw new TensorFormatException(path, "neither a safetensors file (an 8-byte header length, then a JSON"
                + " object), nor an .npz or torch.save (.pth) zip archive (" + size + " bytes)");
    }
}
