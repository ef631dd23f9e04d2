package org.visionzoo.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code torch.save} files written by the Python of {@link TorchReference#python()} (Debian's torch),
 * with the bundled {@code pthfix.py}: the tensors of the {@code .pth} reader tests, and models'
 * state dicts converted from {@link TorchReference#make} fixtures.
 */
public final class PthFixtures {

    private PthFixtures() {}

    /**
     * One model to convert.
     *
     * @param model a {@link TorchReference#make} model name
     * @param classes its number of classes
     * @param weights the fixture's safetensors state dict
     * @param out the {@code .pth} to write with {@code torch.save(model.state_dict(), out)}
     * @param variant {@code ""} for the plain state dict, {@code "legacy"} to rename DenseNet keys
     *     to their old form ({@code norm.1}), {@code "old"} for old keys in the legacy format
     *     (torch before 1.6), {@code "wrapped"} to save it as a checkpoint's
     *     {@code "model"}
     */
    public record Job(String model, int classes, Path weights, Path out, String variant) {}

    /**
     * Writes a zip archive of stored (uncompressed) entries with their CRC-32s, as {@code
     * torch.save} lays out its files: for hand-made {@code .pth} files, hostile ones included.
     *
     * @param file the archive to write
     * @param entries the entries' names and contents, in order
     * @return {@code file}
     * @throws IOException if writing fails
     */
    public static Path storedZip(Path file, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    /**
     * Writes {@code plain.pth}, {@code wrapped.pth}, {@code sd.pth}, {@code ema.pth}, {@code
     * legacy.pth} and {@code expected.json} into {@code dir} (see {@code pthfix.py}).
     *
     * @param dir the directory
     */
    public static void tensors(Path dir) {
        run(List.of("tensors", dir.toAbsolutePath().toString()));
    }

    /**
     * Converts fixtures to {@code .pth}, all in one Python process.
     *
     * @param jobs the conversions
     */
    public static void convert(List<Job> jobs) {
        List<String> args = new ArrayList<>(List.of("convert"));
        for (Job j : jobs) {
            if (args.size() > 1) {
                args.add("--");
            }
            args.addAll(List.of(TorchReference.script().toString(), j.model(), Integer.toString(j.classes()),
                    j.weights().toAbsolutePath().toString(), j.out().toAbsolutePath().toString()));
            if (!j.variant().isEmpty()) {
                args.add(j.variant());
            }
        }
        run(args);
    }

    /**
     * Re-saves a safetensors file with {@code torch.save}: its tensors as an {@code OrderedDict},
     * or wrapped as {@code {key: it, "epoch": 1}}.
     *
     * @param weights the safetensors file
     * @param out the {@code .pth} to write
     * @param key the checkpoint key, or empty for the bare state dict
     */
    public static void resave(Path weights, Path out, String key) {
        List<String> args = new ArrayList<>(List.of("resave", TorchReference.script().toString(),
                weights.toAbsolutePath().toString(), out.toAbsolutePath().toString()));
        if (!key.isEmpty()) {
            args.add(key);
        }
        run(args);
    }

    private static void run(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(TorchReference.python().toString(), script().toString()));
        cmd.addAll(args);
        try {
            Path log = Files.createTempFile("pthfix-", ".log");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(TorchReference.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + String.join(" ", cmd));
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError("pthfix.py failed (exit " + p.exitValue() + "; it needs `apt-get install"
                            + " python3-torchvision`): " + String.join(" ", cmd) + "\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static synchronized Path script() {
        try (InputStream in = PthFixtures.class.getResourceAsStream("pthfix.py")) {
            if (in == null) {
                throw new AssertionError("pthfix.py is not on the classpath next to " + PthFixtures.class.getName());
            }
            Path tmp = Files.createTempFile("pthfix-", ".py");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
