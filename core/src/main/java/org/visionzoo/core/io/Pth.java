package org.visionzoo.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads PyTorch's {@code .pth}/{@code .pt} files, as {@code torch.save(model.state_dict(), f)}
 * writes them since torch 1.6, without Python and without running anything from the file.
 *
 * <p>The file is a zip archive of stored entries: {@code <prefix>/data.pkl} (a pickle of the state
 * dict, whose tensors name their storages), one entry per storage under {@code <prefix>/data/},
 * {@code <prefix>/version} and, from torch 2.0, {@code <prefix>/byteorder}. The zip structure is
 * checked strictly (see {@code TorchZip}), the pickle is read by a restricted unpickler that
 * recognises only {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code
 * torch._utils._rebuild_parameter} and torch's typed storage classes (the {@code weights_only}
 * allow-list, narrowed), and every tensor is checked to lie within its storage. Storages are
 * memory-mapped, not copied, and their CRC-32s checked; a tensor that is a contiguous view is a
 * slice of its storage's mapping, others (a transposed tensor, say) are copied into C order.
 * Tensors that share a storage share its mapping.
 *
 * <p>A checkpoint dict that wraps the state dict under {@code "state_dict"}, {@code "model"} or
 * {@code "model_ema"} (in that order of preference) is accepted; {@link Contents#checkpointKey()}
 * says which key was used. Files of the legacy format (torch before 1.6, which older published
 * weights use) are read too, with the same unpickler and checks (they have no
 * CRCs).
 */
public final class Pth {

    /** The largest {@code data.pkl}: torchvision's biggest state dicts need well under 1 MiB. */
    static final long MAX_PICKLE_BYTES = 64L << 20;

    /**
     * Non-contiguous tensors are copied; the copies together may take twice the file's size plus
     * this much. A permuted view is no larger than its storage; only views that repeat elements
     * (stride 0) could take more, and a hostile file must not make them take gigabytes.
     */
    static final long COPY_ALLOWANCE = 16L << 20;

    /** The keys a checkpoint dict may keep the state dict under, in order of preference. */
    public static final List<String> CHECKPOINT_KEYS = List.of("state_dict", "model", "model_ema");

    /** The first bytes of a legacy torch.save file: pickle protocol 2, then LONG1 of its magic number. */
    private static final byte[] LEGACY_MAGIC = {
        (byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a,
        (byte) 0xa8, 0x50, 0x19
    };

    private Pth() {}

    /**
     * What a {@code .pth} file held.
     *
     * @param tensors the state dict's tensors, in the file's order, named by their keys
     * @param checkpointKey the key of the checkpoint dict the state dict was found under ({@code
     *     "state_dict"}, {@code "model"} or {@code "model_ema"}), or empty if the file is a state
     *     dict itself
     */
    public record Contents(List<TensorData> tensors, String checkpointKey) {
        /** Copies the list. */
        public Contents {
            tensors = List.copyOf(tensors);
            Objects.requireNonNull(checkpointKey, "checkpointKey");
        }
    }

    /**
     * Reads the state dict of a {@code torch.save} file.
     *
     * @param path the file, treated as untrusted
     * @return its tensors, and the checkpoint key they were found under
     * @throws TensorFormatException if the file is neither a torch.save zip archive nor a file of
     *     the legacy format, its structure is malformed, its pickle uses anything outside the
     *     allow-list or exceeds a bound, a tensor lies outside its storage, a CRC-32 does not match,
     *     or it holds no state dict
     * @throws IOException if reading fails
     */
    public static Contents read(Path path) throws IOException {
        String source = String.valueOf(path);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            if (checkLegacy(source, channel)) {
                return readLegacy(source, channel);
            }
            TorchZip zip = TorchZip.open(source, channel);
            String prefix = prefix(source, zip);
            checkVersion(source, zip, prefix);
            TorchZip.Entry pklEntry = zip.entries().get(prefix + "data.pkl");
            String pklSource = source + " (entry '" + pklEntry.name() + "')";
            if (pklEntry.size() > MAX_PICKLE_BYTES) {
                throw new TensorFormatException(pklSource, "the pickle is " + pklEntry.size()
                        + " bytes, more than the " + MAX_PICKLE_BYTES + " allowed");
            }
            ByteBuffer pkl = zip.map(pklEntry);
            zip.checkCrc(pklEntry, pkl);
            Storages storages = new Storages(source, zip, prefix);
            Object root = TorchPickle.load(pklSource, pkl, storages::load);
            return select(source, root, channel.size());
        }
    }

    /**
     * Whether a zip archive's entry names are those of a torch.save file: one {@code
     * <prefix>/data.pkl}.
     */
    static boolean isTorchZip(FileChannel channel) throws IOException {
        for (String name : TorchZip.names(channel)) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a file starts like a legacy (torch before 1.6) torch.save file. */
    static boolean isLegacy(byte[] head) {
        if (head.length < LEGACY_MAGIC.length) {
            return false;
        }
        for (int i = 0; i < LEGACY_MAGIC.length; i++) {
            if (head[i] != LEGACY_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the file is of the legacy format; refuses other bare pickles. */
    private static boolean checkLegacy(String source, FileChannel channel) throws IOException {
        int n = (int) Math.min(channel.size(), LEGACY_MAGIC.length);
        byte[] head = new byte[n];
        FileRegions.read(channel, 0, n).get(head);
        if (isLegacy(head)) {
            return true;
        }
        if (n > 0 && head[0] == (byte) 0x80) {
            throw new TensorFormatException(source, "a bare pickle, not a torch.save file; re-save it"
                    + " with torch.save(state_dict, \"new.pth\")");
        }
        return false;
    }

    /**
     * The legacy format (torch before 1.6, {@code _use_new_zipfile_serialization=False}): pickles
     * one after another — the magic number, the protocol version 1001, the writer's system info,
     * the state dict, the sorted list of storage keys — then each storage as an 8-byte element count
     * and its bytes, in the list's order. The same restricted unpickler reads every pickle; the
     * storages are mapped once their positions are known.
     */
    private static Contents readLegacy(String source, FileChannel channel) throws IOException {
        long size = channel.size();
        String fix = "; re-save it with a current torch: torch.save(torch.load(\"old.pth\"), \"new.pth\")";
        if (size > Integer.MAX_VALUE) {
            throw new TensorFormatException(source, "a legacy-format torch.save file of 2 GiB or more is not"
                    + " supported" + fix);
        }
        ByteBuffer file = FileRegions.map(channel, 0, size).order(ByteOrder.LITTLE_ENDIAN);
        int pos = LEGACY_MAGIC.length;
        if (size <= pos || file.get(pos) != '.') {
            throw new TensorFormatException(source, "a legacy-format torch.save file whose magic number is not"
                    + " followed by STOP");
        }
        pos++;
        TorchPickle.PersistentLoader none = (type, dtype, key, numel) -> {
            throw new TensorFormatException(source, "a storage outside the legacy format's state dict");
        };
        TorchPickle.Loaded version = TorchPickle.loadAt(source, file.duplicate().position(pos), none);
        if (!Long.valueOf(1001).equals(version.value())) {
            throw new TensorFormatException(source, "legacy protocol version " + TorchPickle.describe(version.value())
                    + ", expected 1001" + fix);
        }
        TorchPickle.Loaded info = TorchPickle.loadAt(source, file.duplicate().position(version.end()), none);
        if (!(info.value() instanceof Map<?, ?> sysInfo) || !Boolean.TRUE.equals(sysInfo.get("little_endian"))) {
            throw new TensorFormatException(source, "the legacy file's system info does not say little_endian=True;"
                    + " big-endian files are not supported" + fix);
        }
        Map<String, TorchPickle.Storage> storages = new LinkedHashMap<>();
        TorchPickle.Loaded main = TorchPickle.loadAt(source, file.duplicate().position(info.end()),
                (type, dtype, key, numel) -> {
                    TorchPickle.Storage known = storages.get(key);
                    if (known == null) {
                        known = new TorchPickle.Storage(key, dtype, numel, null);
                        storages.put(key, known);
                    } else if (known.dtype() != dtype || known.numel() != numel) {
                        throw new TensorFormatException(source, "storage '" + key + "' is named as " + known.numel()
                                + " " + known.dtype() + " and as " + numel + " " + dtype + " elements");
                    }
                    return known;
                });
        TorchPickle.Loaded keys = TorchPickle.loadAt(source, file.duplicate().position(main.end()), none);
        if (!(keys.value() instanceof List<?> keyList) || keyList.size() != storages.size()
                || !keyList.stream().allMatch(storages::containsKey)
                || keyList.stream().distinct().count() != keyList.size()) {
            throw new TensorFormatException(source, "the legacy file's list of storage keys does not name each of"
                    + " the state dict's " + storages.size() + " storages once");
        }
        long at = keys.end();
        for (Object key : keyList) {
            TorchPickle.Storage storage = storages.get(key);
            if (at + 8 > size) {
                throw new TensorFormatException(source, "the file ends before storage '" + key + "' (truncated?)");
            }
            long numel = file.getLong((int) at);
            if (numel != storage.numel()) {
                throw new TensorFormatException(source, "storage '" + key + "' holds " + numel
                        + " elements, but the state dict declares " + storage.numel());
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(numel, (long) storage.dtype().byteSize());
            } catch (ArithmeticException e) {
                bytes = Long.MAX_VALUE;
            }
            if (bytes > size - at - 8) {
                throw new TensorFormatException(source, "storage '" + key + "' of " + numel + " "
                        + storage.dtype() + " elements runs past the end of the file (truncated?)");
            }
            storage.setBytes(file.slice((int) at + 8, (int) bytes));
            at += 8 + bytes;
        }
        if (at != size) {
            throw new TensorFormatException(source, (size - at) + " bytes follow the last storage");
        }
        return select(source, main.value(), size);
    }

    /** The single top-level folder of every entry, with its slash; checks data.pkl is in it. */
    private static String prefix(String source, TorchZip zip) throws TensorFormatException {
        String prefix = null;
        for (String name : zip.entries().keySet()) {
            int slash = name.indexOf('/');
            if (slash <= 0) {
                throw new TensorFormatException(source, "entry '" + name + "' is not inside a folder; torch.save"
                        + " puts every entry under one <prefix>/");
            }
            String p = name.substring(0, slash + 1);
            if (prefix == null) {
                prefix = p;
            } else if (!prefix.equals(p)) {
                throw new TensorFormatException(source, "entries under two folders, '" + prefix + "' and '" + p
                        + "'; torch.save puts every entry under one <prefix>/");
            }
        }
        if (prefix == null || !zip.entries().containsKey(prefix + "data.pkl")) {
            throw new TensorFormatException(source, "no " + (prefix == null ? "<prefix>/" : prefix)
                    + "data.pkl entry: a zip archive, but not one written by torch.save (entries: "
                    + zip.entries().keySet().stream().limit(5).collect(Collectors.joining(", "))
                    + (zip.entries().size() > 5 ? ", ..." : "") + ")");
        }
        return prefix;
    }

    private static void checkVersion(String source, TorchZip zip, String prefix) throws IOException {
        TorchZip.Entry version = zip.entries().get(prefix + "version");
        if (version == null) {
            throw new TensorFormatException(source, "no " + prefix + "version entry; torch.save writes one");
        }
        String v = smallText(source, zip, version);
        if (!v.matches("[1-9][0-9]?\n?")) {
            throw new TensorFormatException(source + " (entry '" + version.name() + "')",
                    "expected a format version number, found '" + v.strip() + "'");
        }
        TorchZip.Entry byteOrder = zip.entries().get(prefix + "byteorder");
        if (byteOrder != null) {
            String order = smallText(source, zip, byteOrder);
            if (!order.equals("little")) {
                throw new TensorFormatException(source + " (entry '" + byteOrder.name() + "')",
                        "byte order '" + order + "' is not supported; expected 'little'");
            }
        }
    }

    private static String smallText(String source, TorchZip zip, TorchZip.Entry entry) throws IOException {
        if (entry.size() > 16) {
            throw new TensorFormatException(source + " (entry '" + entry.name() + "')",
                    "expected a few bytes, found " + entry.size());
        }
        ByteBuffer bytes = zip.map(entry);
        zip.checkCrc(entry, bytes);
        byte[] b = new byte[bytes.remaining()];
        bytes.get(b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** Maps each storage once, checking its size and CRC-32. */
    private static final class Storages {
        private final String source;
        private final TorchZip zip;
        private final String prefix;
        private final Map<String, TorchPickle.Storage> loaded = new HashMap<>();

        Storages(String source, TorchZip zip, String prefix) {
            this.source = source;
            this.zip = zip;
            this.prefix = prefix;
        }

        TorchPickle.Storage load(String typeName, DType dtype, String key, long numel) throws TensorFormatException {
            TorchPickle.Storage known = loaded.get(key);
            if (known != null) {
                if (known.dtype() != dtype || known.numel() != numel) {
                    throw new TensorFormatException(source, "storage '" + key + "' is named as " + known.numel()
                            + " " + known.dtype() + " and as " + numel + " " + dtype + " elements");
                }
                return known;
            }
            TorchZip.Entry entry = key.contains("/") ? null : zip.entries().get(prefix + "data/" + key);
            if (entry == null) {
                throw new TensorFormatException(source, "storage '" + key + "' has no entry " + prefix + "data/"
                        + key);
            }
            String where = source + " (entry '" + entry.name() + "')";
            long bytes;
            try {
                bytes = Math.multiplyExact(numel, (long) dtype.byteSize());
            } catch (ArithmeticException e) {
                throw new TensorFormatException(where, "a " + typeName + " of " + numel + " elements overflows");
            }
            if (bytes != entry.size()) {
                throw new TensorFormatException(where, "a " + typeName + " of " + numel + " elements needs "
                        + bytes + " bytes, but the entry holds " + entry.size());
            }
            if (bytes > Integer.MAX_VALUE) {
                throw new TensorFormatException(where, "a storage of " + bytes
                        + " bytes; storages of 2^31 bytes or more are not supported");
            }
            ByteBuffer data;
            try {
                data = zip.map(entry);
                zip.checkCrc(entry, data);
            } catch (TensorFormatException e) {
                throw e;
            } catch (IOException e) {
                throw new TensorFormatException(where, "cannot map the storage: " + e.getMessage(), e);
            }
            TorchPickle.Storage storage = new TorchPickle.Storage(key, dtype, numel, data);
            loaded.put(key, storage);
            return storage;
        }
    }

    /** Finds the state dict in the pickled value and turns its tensors into TensorData. */
    private static Contents select(String source, Object root, long fileSize) throws TensorFormatException {
        if (!(root instanceof LinkedHashMap<?, ?> top)) {
            throw new TensorFormatException(source, "the file holds " + TorchPickle.describe(root)
                    + ", expected a state_dict (a dict of tensors)");
        }
        String used = "";
        Map<?, ?> dict = top;
        if (!allTensors(top)) {
            for (String key : CHECKPOINT_KEYS) {
                if (top.get(key) instanceof LinkedHashMap<?, ?> inner) {
                    dict = inner;
                    used = key;
                    break;
                }
            }
            if (used.isEmpty()) {
                throw new TensorFormatException(source, "expected a state_dict (a dict of tensors) or a checkpoint"
                        + " dict holding one under " + String.join(", ", CHECKPOINT_KEYS) + "; found "
                        + summary(top));
            }
            if (!allTensors(dict)) {
                throw new TensorFormatException(source, "the checkpoint's '" + used + "' is not a state_dict"
                        + " (a dict of tensors): " + summary(dict));
            }
        }
        long budget = 2 * fileSize + COPY_ALLOWANCE;
        List<TensorData> tensors = new ArrayList<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            String name = (String) e.getKey();
            TorchPickle.Tensor t = (TorchPickle.Tensor) e.getValue();
            TensorData data = toTensorData(source, name, t, budget);
            if (!isContiguous(t.size(), t.stride())) {
                budget -= data.data().remaining();
            }
            tensors.add(data);
        }
        return new Contents(tensors, used);
    }

    private static boolean allTensors(Map<?, ?> dict) {
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof TorchPickle.Tensor)) {
                return false;
            }
        }
        return true;
    }

    private static String summary(Map<?, ?> dict) {
        if (dict.isEmpty()) {
            return "an empty dict";
        }
        return "keys " + dict.entrySet().stream().limit(8)
                .map(e -> (e.getKey() instanceof String s ? "'" + s + "'" : TorchPickle.describe(e.getKey()))
                        + " (" + TorchPickle.describe(e.getValue()) + ")")
                .collect(Collectors.joining(", ")) + (dict.size() > 8 ? ", ..." : "");
    }

    static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] == 0) {
                return true;
            }
            if (size[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }

    private static TensorData toTensorData(String source, String name, TorchPickle.Tensor t, long budget)
            throws TensorFormatException {
        DType dtype = t.storage().dtype();
        int es = dtype.byteSize();
        long numel = TensorData.numel(t.size()); // checked by the unpickler not to overflow
        ByteBuffer storage = t.storage().bytes();
        if (numel == 0) {
            return TensorData.of(name, dtype, t.size(), ByteBuffer.allocate(0));
        }
        if (isContiguous(t.size(), t.stride())) {
            // Within the storage (checked), which is below 2^31 bytes.
            int from = Math.toIntExact(t.offset() * es);
            return TensorData.of(name, dtype, t.size(), storage.slice(from, Math.toIntExact(numel * es)));
        }
        long bytes = numel * es; // at most the extent, below 2^31 bytes... unless strides repeat elements
        if (bytes > Integer.MAX_VALUE || bytes > budget) {
            throw new TensorFormatException(source, "tensor '" + name + "' is a non-contiguous view of "
                    + numel + " elements whose copy would take " + bytes + " bytes, more than allowed"
                    + " (twice the file's size plus " + COPY_ALLOWANCE + " bytes for all copies together)");
        }
        ByteBuffer out = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[] size = t.size();
        long[] stride = t.stride();
        int dims = size.length;
        long[] index = new long[dims];
        long src = t.offset();
        for (long n = 0; n < numel; n++) {
            int at = (int) (src * es);
            for (int b = 0; b < es; b++) {
                out.put(storage.get(at + b));
            }
            // Odometer: advance the last dimension, carrying into earlier ones.
            for (int d = dims - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    src += stride[d];
                    break;
                }
                src -= (size[d] - 1) * stride[d];
                index[d] = 0;
            }
        }
        return TensorData.of(name, dtype, size, out.flip());
    }
}
