package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionzoo.core.testing.PthFixtures;

/**
 * The {@code .pth} reader on files written by Debian's {@code torch.save} (every dtype, views,
 * shared storages, wrapped checkpoints, the legacy format), and on hostile files built here byte by
 * byte: each is refused with a message naming the problem, and nothing runs.
 */
class PthTest {

    @TempDir static Path fixtures;
    @TempDir Path dir;

    @BeforeAll
    static void writeFixtures() {
        PthFixtures.tensors(fixtures);
    }

    // ------------------------------------------------------------------ files from torch.save

    @Test
    void readsEveryDtypeViewsAndSharedStoragesAsTorchWroteThem() throws IOException {
        Pth.Contents c = Pth.read(fixtures.resolve("plain.pth"));
        assertThat(c.checkpointKey()).isEmpty();
        Map<String, TensorData> byName = byName(c);
        JsonObject expected = JsonParser.parseString(Files.readString(fixtures.resolve("expected.json"))).getAsJsonObject();
        assertThat(byName.keySet()).containsExactlyElementsOf(expected.keySet());
        for (String key : expected.keySet()) {
            JsonObject e = expected.getAsJsonObject(key);
            TensorData t = byName.get(key);
            long[] shape = e.getAsJsonArray("shape").asList().stream().mapToLong(JsonElement::getAsLong).toArray();
            assertThat(t.shape()).as(key).containsExactly(shape);
            float[] want = new float[e.getAsJsonArray("values").size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = (float) e.getAsJsonArray("values").get(i).getAsDouble();
            }
            assertThat(t.toFloatArray()).as(key).containsExactly(want);
        }
        assertThat(byName.get("w").dtype()).isEqualTo(DType.F32);
        assertThat(byName.get("h").dtype()).isEqualTo(DType.F16);
        assertThat(byName.get("bf").dtype()).isEqualTo(DType.BF16);
        assertThat(byName.get("d").dtype()).isEqualTo(DType.F64);
        assertThat(byName.get("bn.num_batches_tracked").dtype()).isEqualTo(DType.I64);
        assertThat(byName.get("bn.num_batches_tracked").shape()).isEmpty();
        assertThat(byName.get("i32").dtype()).isEqualTo(DType.I32);
        assertThat(byName.get("i16").dtype()).isEqualTo(DType.I16);
        assertThat(byName.get("i8").dtype()).isEqualTo(DType.I8);
        assertThat(byName.get("u8").dtype()).isEqualTo(DType.U8);
        assertThat(byName.get("flag").dtype()).isEqualTo(DType.BOOL);
        // The contiguous tensor is a view of the mapped file; its transposed twin (same storage) a copy.
        assertThat(byName.get("w").data().isDirect()).isTrue();
        assertThat(byName.get("t").data().isDirect()).isFalse();
        // w[1] shares w's storage at an offset: the values of w's second row.
        assertThat(byName.get("row").toFloatArray())
                .containsExactly(Arrays.copyOfRange(byName.get("w").toFloatArray(), 4, 8));
    }

    @Test
    void acceptsCheckpointDictsAndSaysWhichKeyHeldTheWeights() throws IOException {
        List<String> plain = byName(Pth.read(fixtures.resolve("plain.pth"))).keySet().stream().toList();
        for (String[] fileAndKey : new String[][] {{"wrapped.pth", "model"}, {"sd.pth", "state_dict"}, {"ema.pth", "model_ema"}}) {
            Pth.Contents c = Pth.read(fixtures.resolve(fileAndKey[0]));
            assertThat(c.checkpointKey()).as(fileAndKey[0]).isEqualTo(fileAndKey[1]);
            assertThat(byName(c).keySet()).as(fileAndKey[0]).containsExactlyElementsOf(plain);
        }
    }

    @Test
    void theLegacyFormatReadsLikeTheZipFormat() throws IOException {
        Path legacy = fixtures.resolve("legacy.pth");
        assertThat(WeightsFormat.detect(legacy)).isEqualTo(WeightsFormat.PTH);
        Map<String, TensorData> zip = byName(Pth.read(fixtures.resolve("plain.pth")));
        Pth.Contents c = Pth.read(legacy);
        assertThat(c.checkpointKey()).isEmpty();
        Map<String, TensorData> old = byName(c);
        assertThat(old.keySet()).containsExactlyElementsOf(zip.keySet());
        for (String key : zip.keySet()) {
            assertThat(old.get(key).dtype()).as(key).isEqualTo(zip.get(key).dtype());
            assertThat(old.get(key).shape()).as(key).containsExactly(zip.get(key).shape());
            assertThat(old.get(key).toFloatArray()).as(key).containsExactly(zip.get(key).toFloatArray());
        }
    }

    @Test
    void hostileOrTruncatedLegacyFilesAreRefused() throws IOException {
        byte[] legacy = Files.readAllBytes(fixtures.resolve("legacy.pth"));
        assertRefused(Files.write(dir.resolve("cut.pth"), Arrays.copyOf(legacy, legacy.length - 3)),
                "runs past the end of the file (truncated?)");
        assertRefused(Files.write(dir.resolve("longer.pth"), concat(legacy, bytes(0))), "1 bytes follow the last storage");
        Path marker = dir.resolve("pwned");
        byte[] head = concat(bytes(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, '.'),
                bytes(0x80, 2, 'M', 0xe9, 0x03, '.'), concat(PROTO, bytes('}'), unicode("little_endian"), bytes(0x88, 's', '.')));
        Path hostile = Files.write(dir.resolve("hostile-legacy.pth"), concat(head, PROTO, global("os", "system"),
                unicode("touch " + marker), bytes(0x85, 'R', '.')));
        assertThat(WeightsFormat.detect(hostile)).isEqualTo(WeightsFormat.PTH);
        assertRefused(hostile, "global 'os.system' is not allowed");
        assertThat(marker).doesNotExist();
        Path bigEndian = Files.write(dir.resolve("big-endian.pth"), concat(Arrays.copyOf(head, head.length - 3),
                bytes(0x89, 's', '.')));
        assertRefused(bigEndian, "big-endian files are not supported");
    }

    @Test
    void detectionTellsPthFromNpzByTheirEntries() throws IOException {
        assertThat(WeightsFormat.detect(fixtures.resolve("plain.pth"))).isEqualTo(WeightsFormat.PTH);
        Path npz = dir.resolve("w.npz");
        Npz.write(npz, List.of(TensorData.ofFloats("data.pkl", new long[] {1}, new float[] {1})));
        assertThat(WeightsFormat.detect(npz)).isEqualTo(WeightsFormat.NPZ);
        Path npzInFolder = dir.resolve("w2.npz");
        Npz.write(npzInFolder, List.of(TensorData.ofFloats("a/data", new long[] {1}, new float[] {1})));
        assertThat(WeightsFormat.detect(npzInFolder)).isEqualTo(WeightsFormat.NPZ);
    }

    // ------------------------------------------------------------------ hostile pickles

    @Test
    void osSystemIsRefusedAndNeverRuns() throws IOException {
        Path marker = dir.resolve("pwned");
        byte[] pkl = concat(PROTO, global("os", "system"), unicode("touch " + marker), bytes(0x85, 'R', '.'));
        Path file = pth(Map.of("a/data.pkl", pkl));
        assertRefused(file, "global 'os.system' is not allowed");
        assertThat(marker).doesNotExist();
        // The same with STACK_GLOBAL (protocol 4).
        byte[] pkl4 = concat(bytes(0x80, 4), unicode("os"), unicode("system"), bytes(0x93),
                unicode("touch " + marker), bytes(0x85, 'R', '.'));
        assertRefused(pth(Map.of("a/data.pkl", pkl4)), "global 'os.system' is not allowed");
        assertThat(marker).doesNotExist();
    }

    @Test
    void otherGlobalsClassesAndOpcodesAreRefusedByName() throws IOException {
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, global("builtins", "eval"), unicode("1+1"),
                bytes(0x85, 'R', '.')))), "global 'builtins.eval' is not allowed");
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, global("__main__", "Evil"), bytes(')', 'R', '}', 'b', '.')))),
                "global '__main__.Evil' is not allowed");
        // BUILD on anything but an OrderedDict, e.g. a plain dict.
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, bytes('}', '}', 'b', '.')))), "BUILD on a dict");
        // INST names a class in the opcode itself; OBJ and NEWOBJ call one.
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, bytes('('), ascii("i__main__\nEvil\n"), bytes('.')))),
                "unsupported pickle opcode INST (0x69)");
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, bytes('(', 'o', '.')))), "unsupported pickle opcode OBJ");
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, bytes(0x81, '.')))), "unsupported pickle opcode NEWOBJ");
        // A storage class is a type, not a callable.
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, global("torch", "FloatStorage"), bytes(')', 'R', '.')))),
                "REDUCE on torch.FloatStorage");
    }

    @Test
    void deepNestingAndBombsAreBounded() throws IOException {
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, repeat('(', 100_000), bytes('.')))),
                "more than 1000 nested MARKs");
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, repeat(']', 100_000), repeat('a', 99_999), bytes('.')))),
                "nested more than 64 levels");
        // A list that contains itself.
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, bytes(']', 'q', 0, 'h', 0, 'a', '.')))),
                "a container contains itself");
        // Memo bomb: each level a tuple holding the previous level twice, 60 deep: 2^60 leaves if
        // walked naively, a few hundred objects here.
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        bomb.writeBytes(concat(PROTO, bytes(']', 'q', 0)));
        for (int i = 1; i <= 60; i++) {
            bomb.writeBytes(bytes('h', i - 1, 0x86, 'q', i)); // (level i-1, level i-1)
        }
        bomb.writeBytes(bytes('.'));
        long start = System.nanoTime();
        assertRefused(pth(Map.of("a/data.pkl", bomb.toByteArray())), "the file holds a tuple of 2, expected a state_dict");
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, bytes('j', 0xff, 0xff, 0xff, 0xff, '.')))),
                "memo entry 4294967295 was never stored");
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, bytes('X', 0xff, 0xff, 0xff, 0x7f)))),
                "a string of 2147483647 bytes");
        assertRefused(pth(Map.of("a/data.pkl", concat(PROTO, bytes('}')))), "ends without a STOP opcode");
    }

    @Test
    void storagesAndViewsAreCheckedAgainstTheFile() throws IOException {
        byte[] four = new byte[16];
        // A huge declared storage: 10^12 floats in a 16-byte entry.
        assertRefused(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", 1_000_000_000_000L, 0, new long[] {4}, new long[] {1}),
                "a/data/0", four)), "needs 4000000000000 bytes, but the entry holds 16");
        assertRefused(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", Long.MAX_VALUE / 2, 0, new long[] {4}, new long[] {1}),
                "a/data/0", four)), "overflows");
        // Offsets and extents past the end of the storage.
        assertRefused(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", 4, 10, new long[] {1}, new long[] {1}),
                "a/data/0", four)), "reaches element 10, past the end of the storage");
        assertRefused(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", 4, 0, new long[] {2, 2}, new long[] {3, 1}),
                "a/data/0", four)), "reaches element 4");
        assertRefused(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", 4, 0, new long[] {3}, new long[] {Long.MAX_VALUE}),
                "a/data/0", four)), "the extent overflows");
        assertRefused(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", 4, 0, new long[] {2}, new long[] {-1}),
                "a/data/0", four)), "negative stride");
        assertRefused(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", 4, 0, new long[] {-2}, new long[] {1}),
                "a/data/0", four)), "negative size");
        assertRefused(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", 4, -1, new long[] {2}, new long[] {1}),
                "a/data/0", four)), "negative storage offset");
        assertRefused(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", 4, 0, new long[] {4}, new long[] {1}))),
                "storage '0' has no entry a/data/0");
        // A stride-0 view may repeat elements, but not beyond what the file could justify.
        assertRefused(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", 4, 0, new long[] {1 << 20, 1 << 20},
                new long[] {0, 0}), "a/data/0", four)), "non-contiguous view");
        // A valid one for contrast: the transposed 2x2 view.
        ByteBuffer values = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        Pth.Contents ok = Pth.read(pth(Map.of("a/data.pkl", tensorPickle("FloatStorage", 4, 0, new long[] {2, 2}, new long[] {1, 2}),
                "a/data/0", values.array())));
        assertThat(ok.tensors().get(0).toFloatArray()).containsExactly(1, 3, 2, 4);
    }

    @Test
    void malformedArchivesAreRefused() throws IOException {
        byte[] plain = Files.readAllBytes(fixtures.resolve("plain.pth"));
        Path truncated = Files.write(dir.resolve("truncated.pth"), Arrays.copyOf(plain, plain.length / 2));
        assertRefused(truncated, "no end-of-central-directory record");
        assertRefused(pth(Map.of("a/version", "3\n".getBytes(StandardCharsets.US_ASCII))), "no a/data.pkl entry");
        // A flipped bit in a storage.
        byte[] flipped = plain.clone();
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(fixtures.resolve("plain.pth"))) {
            TorchZip.Entry entry = TorchZip.open("plain.pth", ch).entries().get("plain/data/0");
            flipped[(int) entry.dataOffset() + 5] ^= 1;
        }
        assertRefused(Files.write(dir.resolve("flipped.pth"), flipped), "bad CRC-32");
        // Compressed entries: torch.save never writes them.
        Path deflated = dir.resolve("deflated.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(deflated))) {
            zip.putNextEntry(new ZipEntry("a/data.pkl"));
            zip.write(concat(PROTO, bytes('}', '.')));
            zip.closeEntry();
        }
        assertRefused(deflated, "the entry is compressed (method 8)");
        byte[] tar = new byte[1024];
        System.arraycopy(ascii("ustar"), 0, tar, 257, 5);
        Path oldest = Files.write(dir.resolve("tar.pth"), tar);
        assertThatThrownBy(() -> WeightsFormat.detect(oldest))
                .hasMessageStartingWith(oldest.toString())
                .hasMessageContaining("a tar archive, perhaps a torch.save file of the format before torch 0.1.10");
        Files.write(dir.resolve("bare.pkl"), concat(PROTO, bytes('}', '.')));
        assertRefused(dir.resolve("bare.pkl"), "a bare pickle");
    }

    // ------------------------------------------------------------------ helpers

    private static final byte[] PROTO = {(byte) 0x80, 2};

    private void assertRefused(Path file, String message) {
        assertThatThrownBy(() -> Pth.read(file))
                .isInstanceOf(TensorFormatException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(message);
    }

    private static Map<String, TensorData> byName(Pth.Contents c) {
        return c.tensors().stream().collect(Collectors.toMap(TensorData::name, Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
    }

    private int files;

    /** A torch.save-like archive of stored entries, with a version entry unless one is given. */
    private Path pth(Map<String, byte[]> entries) throws IOException {
        Map<String, byte[]> all = new LinkedHashMap<>(entries);
        all.putIfAbsent("a/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return PthFixtures.storedZip(dir.resolve("f" + files++ + ".pth"), all);
    }

    /** {@code OrderedDict(w=_rebuild_tensor_v2((storage, type, '0', 'cpu', numel), offset, size, stride, False, OrderedDict()))}. */
    static byte[] tensorPickle(String storageType, long numel, long offset, long[] size, long[] stride) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PROTO);
        out.writeBytes(global("collections", "OrderedDict"));
        out.writeBytes(bytes(')', 'R', '('));
        out.writeBytes(unicode("w"));
        out.writeBytes(global("torch._utils", "_rebuild_tensor_v2"));
        out.writeBytes(bytes('(', '('));
        out.writeBytes(unicode("storage"));
        out.writeBytes(global("torch", storageType));
        out.writeBytes(unicode("0"));
        out.writeBytes(unicode("cpu"));
        out.writeBytes(long1(numel));
        out.writeBytes(bytes('t', 'Q'));
        out.writeBytes(long1(offset));
        out.writeBytes(bytes('('));
        for (long s : size) {
            out.writeBytes(long1(s));
        }
        out.writeBytes(bytes('t', '('));
        for (long s : stride) {
            out.writeBytes(long1(s));
        }
        out.writeBytes(bytes('t', 0x89));
        out.writeBytes(global("collections", "OrderedDict"));
        out.writeBytes(bytes(')', 'R', 't', 'R', 'u', '.'));
        return out.toByteArray();
    }

    static byte[] global(String module, String name) {
        return concat(bytes('c'), ascii(module + "\n" + name + "\n"));
    }

    static byte[] unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(bytes('X'), ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array(), b);
    }

    static byte[] long1(long v) {
        return concat(bytes(0x8a, 8), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] repeat(int value, int count) {
        byte[] b = new byte[count];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

}
