package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Coverage-guided fuzzing of core's file parsers with Jazzer: every input must end in a result or
 * a {@link TensorFormatException} naming the file — never another exception, an error, a hang or
 * an out-of-memory. In the normal build each target runs in regression mode over its committed
 * inputs ({@code src/test/resources/org/visionzoo/core/io/ParsersFuzzTestInputs/<target>/}: seeds
 * and any input that once failed); with {@code JAZZER_FUZZ=1} one target fuzzes for its
 * {@code maxDuration} (CI runs each for 30 s, see {@code ./test}).
 */
class ParsersFuzzTest {

    private static final String DURATION = "30s";

    @FuzzTest(maxDuration = DURATION)
    void safetensors(byte[] data) throws IOException {
        Path file = write(data, "f.safetensors");
        try (TensorFile tf = SafeTensors.read(file)) {
            for (String name : tf.names()) {
                TensorData t = tf.get(name);
                if (t.data().remaining() <= 1 << 16) {
                    t.toFloatArray();
                }
            }
        } catch (TensorFormatException e) {
            expected(e, file);
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void npy(byte[] data) throws IOException {
        Path file = write(data, "f.npy");
        try {
            TensorData t = Npy.read(file);
            if (t.data().remaining() <= 1 << 16) {
                t.toFloatArray();
            }
        } catch (TensorFormatException e) {
            expected(e, file);
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void npz(byte[] data) throws IOException {
        Path file = write(data, "f.npz");
        try {
            List<Npz.Entry> entries = Npz.entries(file);
            List<TensorData> tensors = Npz.read(file);
            assertThat(tensors).hasSameSizeAs(entries);
        } catch (TensorFormatException e) {
            expected(e, file);
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void pth(byte[] data) throws IOException {
        Path file = write(data, "f.pth");
        try {
            Pth.Contents contents = Pth.read(file);
            for (TensorData t : contents.tensors()) {
                if (t.data().remaining() <= 1 << 16) {
                    t.toFloatArray();
                }
            }
        } catch (TensorFormatException e) {
            expected(e, file);
        }
    }

    /** The restricted unpickler alone, past the zip's CRCs, with storages of up to 64 bytes. */
    @FuzzTest(maxDuration = DURATION)
    void pthPickle(byte[] data) {
        String source = "fuzz.pth (entry 'a/data.pkl')";
        try {
            TorchPickle.load(source, java.nio.ByteBuffer.wrap(data), (type, dtype, key, numel) -> {
                if (numel * dtype.byteSize() > 64 || numel < 0) {
                    throw new TensorFormatException(source, "storage too large");
                }
                return new TorchPickle.Storage(key, dtype, numel,
                        java.nio.ByteBuffer.allocate((int) numel * dtype.byteSize()));
            });
        } catch (TensorFormatException e) {
            assertThat(e.getMessage()).startsWith(source);
        }
    }

    @FuzzTest(maxDuration = DURATION)
    void weightsFormat(byte[] data) throws IOException {
        Path file = write(data, "w.bin");
        try {
            assertThat(WeightsFormat.detect(file)).isNotNull();
        } catch (TensorFormatException e) {
            expected(e, file);
        }
    }

    /** A clear error names the file. */
    private static void expected(TensorFormatException e, Path file) {
        assertThat(e.getMessage()).startsWith(file.toString());
    }

    private static Path write(byte[] data, String name) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "visionzoo-fuzz-" + ProcessHandle.current().pid());
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), data);
    }
}
