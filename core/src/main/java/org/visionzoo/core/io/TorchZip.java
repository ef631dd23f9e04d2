package org.visionzoo.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The zip container of {@code torch.save} (torch 1.6 and later), read strictly from the central
 * directory: every entry stored (not compressed), not encrypted, its local header agreeing with its
 * central one, its data inside the file and before the central directory, no two entries
 * overlapping, no name twice. Entries are not read here: {@link #map} maps one, {@link #crc}
 * checks one. The zip64 records torch.save always writes are read; multi-disk archives are refused.
 */
final class TorchZip {

    /** The most entries an archive may have: a state dict of this many tensors is far beyond any model. */
    static final int MAX_ENTRIES = 1 << 20;

    private static final int EOCD_SIG = 0x06054b50;
    private static final int CEN_SIG = 0x02014b50;
    private static final int LOC_SIG = 0x04034b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int ZIP64_EOCD_LEN = 56;
    private static final int EOCD_LEN = 22;
    private static final int CEN_LEN = 46;
    private static final int LOC_LEN = 30;
    private static final int MAX_COMMENT = 0xffff;
    /** The largest central directory read: 64 MiB, room for far more entries than any state dict. */
    private static final long MAX_CD_BYTES = 64L << 20;

    /**
     * One stored entry.
     *
     * @param name the entry's name
     * @param dataOffset where its bytes start in the file
     * @param size its length in bytes
     * @param crc its CRC-32 as the central directory declares it
     */
    record Entry(String name, long dataOffset, long size, long crc) {}

    private final String source;
    private final FileChannel channel;
    private final Map<String, Entry> entries;

    private TorchZip(String source, FileChannel channel, Map<String, Entry> entries) {
        this.source = source;
        this.channel = channel;
        this.entries = entries;
    }

    /** The entries by name, in central-directory order. */
    Map<String, Entry> entries() {
        return entries;
    }

    /**
     * Reads and checks the central directory and every local header.
     *
     * @param source the file, for messages
     * @param channel the open file
     * @throws TensorFormatException if the archive is malformed or uses a feature torch.save does
     *     not (compression, encryption, zip64, multiple disks)
     */
    static TorchZip open(String source, FileChannel channel) throws IOException {
        long size = channel.size();
        Eocd eocd = findEocd(source, channel, size);
        if (eocd == null) {
            throw new TensorFormatException(source, "not a zip archive: no end-of-central-directory record"
                    + " (the file is truncated, or is not a torch.save file)");
        }
        ByteBuffer e = eocd.record;
        long disk = u16(e, 4);
        long cdDisk = u16(e, 6);
        long onDisk = u16(e, 8);
        long total = u16(e, 10);
        long cdSize = u32(e, 12);
        long cdOffset = u32(e, 16);
        long cdEnd = eocd.position;
        if (eocd.position >= 20 && FileRegions.read(channel, eocd.position - 20, 4).getInt(0) == ZIP64_LOCATOR_SIG) {
            // torch.save always writes the zip64 records (its miniz does), whatever the size.
            ByteBuffer locator = FileRegions.read(channel, eocd.position - 20, 20);
            long at = locator.getLong(8);
            if (locator.getInt(4) != 0 || locator.getInt(16) != 1) {
                throw new TensorFormatException(source, "multi-disk zip archives are not supported");
            }
            if (at < 0 || at + ZIP64_EOCD_LEN > eocd.position - 20) {
                throw new TensorFormatException(source, "the zip64 end-of-central-directory offset " + at
                        + " lies outside the file");
            }
            ByteBuffer z = FileRegions.read(channel, at, ZIP64_EOCD_LEN);
            if (z.getInt(0) != ZIP64_EOCD_SIG) {
                throw new TensorFormatException(source, "no zip64 end-of-central-directory record at offset " + at);
            }
            disk = z.getInt(16) & 0xffffffffL;
            cdDisk = z.getInt(20) & 0xffffffffL;
            onDisk = z.getLong(24);
            total = z.getLong(32);
            cdSize = z.getLong(40);
            cdOffset = z.getLong(48);
            cdEnd = at;
        } else if (total == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            throw new TensorFormatException(source, "the end-of-central-directory record defers to a zip64 record,"
                    + " but there is none");
        }
        if (disk != 0 || cdDisk != 0 || onDisk != total) {
            throw new TensorFormatException(source, "multi-disk zip archives are not supported");
        }
        if (total < 0 || total > MAX_ENTRIES) {
            throw new TensorFormatException(source, "the archive declares " + total + " entries (at most "
                    + MAX_ENTRIES + ")");
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize != cdEnd) {
            throw new TensorFormatException(source, "the central directory (offset " + cdOffset + ", "
                    + cdSize + " bytes) does not end where the end-of-central-directory records start ("
                    + cdEnd + "): the file is truncated or corrupt");
        }
        if (cdSize > MAX_CD_BYTES) {
            throw new TensorFormatException(source, "a central directory of " + cdSize + " bytes (at most "
                    + MAX_CD_BYTES + ")");
        }
        ByteBuffer cd = FileRegions.read(channel, cdOffset, (int) cdSize);
        Map<String, Entry> byName = new LinkedHashMap<>();
        int pos = 0;
        for (int i = 0; i < total; i++) {
            if (pos + CEN_LEN > cdSize || cd.getInt(pos) != CEN_SIG) {
                throw new TensorFormatException(source, "central directory entry " + i + " of " + total
                        + " is missing or malformed at offset " + (cdOffset + pos));
            }
            int flags = u16(cd, pos + 8);
            int method = u16(cd, pos + 10);
            long crc = u32(cd, pos + 16);
            long csize = u32(cd, pos + 20);
            long usize = u32(cd, pos + 24);
            int nameLen = u16(cd, pos + 28);
            int extraLen = u16(cd, pos + 30);
            int commentLen = u16(cd, pos + 32);
            int startDisk = u16(cd, pos + 34);
            long lho = u32(cd, pos + 42);
            int end = pos + CEN_LEN + nameLen + extraLen + commentLen;
            if (end > cdSize) {
                throw new TensorFormatException(source, "central directory entry " + i
                        + " runs past the end of the central directory");
            }
            byte[] nameBytes = new byte[nameLen];
            cd.get(pos + CEN_LEN, nameBytes);
            String name = utf8(source, nameBytes);
            String where = source + " (entry '" + name + "')";
            if (usize == 0xffffffffL || csize == 0xffffffffL || lho == 0xffffffffL) {
                long[] wide = zip64Extra(where, cd, pos + CEN_LEN + nameLen, extraLen,
                        usize == 0xffffffffL, csize == 0xffffffffL, lho == 0xffffffffL);
                usize = wide[0] >= 0 ? wide[0] : usize;
                csize = wide[1] >= 0 ? wide[1] : csize;
                lho = wide[2] >= 0 ? wide[2] : lho;
            }
            if ((flags & 1) != 0) {
                throw new TensorFormatException(where, "the entry is encrypted");
            }
            if (method != 0) {
                throw new TensorFormatException(where, "the entry is compressed (method " + method
                        + "); torch.save stores every entry uncompressed");
            }
            if (csize != usize) {
                throw new TensorFormatException(where, "a stored entry declares " + csize
                        + " compressed but " + usize + " uncompressed bytes");
            }
            if (startDisk != 0) {
                throw new TensorFormatException(where, "the entry starts on disk " + startDisk);
            }
            long dataOffset = checkLocal(where, channel, lho, nameBytes, flags, crc, usize, cdOffset);
            if (byName.put(name, new Entry(name, dataOffset, usize, crc)) != null) {
                throw new TensorFormatException(source, "duplicate entry '" + name + "' in the archive");
            }
            pos = end;
        }
        if (pos != cdSize) {
            throw new TensorFormatException(source, "the central directory declares " + cdSize
                    + " bytes, but its " + total + " entries take " + pos);
        }
        checkNoOverlap(source, byName);
        return new TorchZip(source, channel, Collections.unmodifiableMap(byName));
    }

    /**
     * The entry names of what looks like a zip archive, or an empty list if its central directory
     * cannot be walked: for recognising a file, never for reading it.
     */
    static List<String> names(FileChannel channel) throws IOException {
        long size = channel.size();
        Eocd eocd = findEocd("", channel, size);
        List<String> names = new ArrayList<>();
        if (eocd == null) {
            return names;
        }
        long cdSize = u32(eocd.record, 12);
        long cdOffset = u32(eocd.record, 16);
        if (cdOffset + cdSize > eocd.position || cdSize > MAX_CD_BYTES) {
            return names;
        }
        ByteBuffer cd = FileRegions.read(channel, cdOffset, (int) cdSize);
        int pos = 0;
        while (pos + CEN_LEN <= cdSize && cd.getInt(pos) == CEN_SIG && names.size() < MAX_ENTRIES) {
            int nameLen = u16(cd, pos + 28);
            int end = pos + CEN_LEN + nameLen + u16(cd, pos + 30) + u16(cd, pos + 32);
            if (end > cdSize) {
                break;
            }
            byte[] nameBytes = new byte[nameLen];
            cd.get(pos + CEN_LEN, nameBytes);
            names.add(new String(nameBytes, StandardCharsets.UTF_8));
            pos = end;
        }
        return names;
    }

    /** Maps an entry read-only; the caller has checked that it is shorter than 2^31 bytes. */
    ByteBuffer map(Entry entry) throws IOException {
        return FileRegions.map(channel, entry.dataOffset(), entry.size()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Checks an entry's bytes against the CRC-32 its central directory declares.
     *
     * @throws TensorFormatException on a mismatch
     */
    void checkCrc(Entry entry, ByteBuffer bytes) throws TensorFormatException {
        CRC32 crc = new CRC32();
        crc.update(bytes.duplicate());
        if (crc.getValue() != entry.crc()) {
            throw new TensorFormatException(source + " (entry '" + entry.name() + "')", String.format(Locale.ROOT,
                    "bad CRC-32: the entry declares %08x, its bytes give %08x (the file is corrupt)",
                    entry.crc(), crc.getValue()));
        }
    }

    private record Eocd(long position, ByteBuffer record) {}

    /** The end-of-central-directory record whose comment ends exactly at the end of the file. */
    private static Eocd findEocd(String source, FileChannel channel, long size) throws IOException {
        if (size < EOCD_LEN) {
            return null;
        }
        int tail = (int) Math.min(size, EOCD_LEN + MAX_COMMENT);
        ByteBuffer buf = FileRegions.read(channel, size - tail, tail);
        for (int i = tail - EOCD_LEN; i >= 0; i--) {
            if (buf.getInt(i) == EOCD_SIG && i + EOCD_LEN + u16(buf, i + 20) == tail) {
                ByteBuffer record = buf.slice(i, EOCD_LEN).order(ByteOrder.LITTLE_ENDIAN);
                return new Eocd(size - tail + i, record);
            }
        }
        return null;
    }

    /** The 8-byte values of a central entry's zip64 extra field that replace its 0xffffffff ones, else -1. */
    private static long[] zip64Extra(String where, ByteBuffer cd, int start, int length, boolean usize,
            boolean csize, boolean lho) throws TensorFormatException {
        int pos = start;
        int end = start + length;
        while (pos + 4 <= end) {
            int id = u16(cd, pos);
            int len = u16(cd, pos + 2);
            if (pos + 4 + len > end) {
                break;
            }
            if (id == 1) {
                long[] out = {-1, -1, -1};
                int at = pos + 4;
                boolean[] present = {usize, csize, lho};
                for (int i = 0; i < 3; i++) {
                    if (present[i]) {
                        if (at + 8 > pos + 4 + len) {
                            throw new TensorFormatException(where, "the zip64 extra field is too short");
                        }
                        out[i] = cd.getLong(at);
                        if (out[i] < 0) {
                            throw new TensorFormatException(where, "a zip64 size or offset is negative");
                        }
                        at += 8;
                    }
                }
                return out;
            }
            pos += 4 + len;
        }
        throw new TensorFormatException(where, "a size or offset is 0xffffffff but there is no zip64 extra field");
    }

    /** Checks a local header against the central one; returns where the entry's data starts. */
    private static long checkLocal(String where, FileChannel channel, long lho, byte[] name, int flags,
            long crc, long size, long cdOffset) throws IOException {
        if (lho < 0 || lho > cdOffset - LOC_LEN - name.length) {
            throw new TensorFormatException(where, "the local header offset " + lho
                    + " lies past the start of the central directory (" + cdOffset + ")");
        }
        ByteBuffer loc = FileRegions.read(channel, lho, LOC_LEN + name.length);
        if (loc.getInt(0) != LOC_SIG) {
            throw new TensorFormatException(where, "no local file header at offset " + lho);
        }
        int localFlags = u16(loc, 6);
        int localMethod = u16(loc, 8);
        if (localMethod != 0 || (localFlags & 1) != 0) {
            throw new TensorFormatException(where, "the local header disagrees with the central directory"
                    + " (method " + localMethod + ", flags " + localFlags + ")");
        }
        boolean wide = u32(loc, 18) == 0xffffffffL && u32(loc, 22) == 0xffffffffL;
        if ((localFlags & 8) == 0 && (u32(loc, 14) != crc || (!wide && (u32(loc, 18) != size || u32(loc, 22) != size)))) {
            throw new TensorFormatException(where, "the local header's CRC or sizes disagree with the central"
                    + " directory's");
        }
        byte[] localName = new byte[name.length];
        loc.get(LOC_LEN, localName);
        if (u16(loc, 26) != name.length || !java.util.Arrays.equals(localName, name)) {
            throw new TensorFormatException(where, "the local header names a different entry");
        }
        long dataOffset = lho + LOC_LEN + name.length + u16(loc, 28);
        if (size > cdOffset - dataOffset) {
            throw new TensorFormatException(where, "the entry's " + size + " bytes at offset " + dataOffset
                    + " run past the start of the central directory (" + cdOffset + ")");
        }
        if ((flags & 8) != (localFlags & 8)) {
            throw new TensorFormatException(where, "the local header disagrees with the central directory"
                    + " on the data-descriptor flag");
        }
        return dataOffset;
    }

    private static void checkNoOverlap(String source, Map<String, Entry> entries) throws TensorFormatException {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::dataOffset));
        for (int i = 1; i < sorted.size(); i++) {
            Entry prev = sorted.get(i - 1);
            Entry next = sorted.get(i);
            // The next entry's local header (at least LOC_LEN bytes) must follow the previous data.
            if (prev.dataOffset() + prev.size() + LOC_LEN > next.dataOffset()) {
                throw new TensorFormatException(source, "entries '" + prev.name() + "' and '" + next.name()
                        + "' overlap");
            }
        }
    }

    private static String utf8(String source, byte[] bytes) throws TensorFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new TensorFormatException(source, "an entry name is not valid UTF-8", e);
        }
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xffff;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xffffffffL;
    }
}
