package org.visionzoo.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The machine a measurement or a diagnosis ran on, as Linux describes it: the CPU's model, vendor
 * and instruction-set flags ({@code /proc/cpuinfo}), the cores this process may use, and the caches
 * the kernel exposes ({@code /sys/devices/system/cpu/cpu0/cache}). Virtual machines often hide the
 * cache sizes, which changes how libtorch's oneDNN blocks its kernels: every figure VisionZoo
 * publishes names its host with {@link #describe()}.
 *
 * @param cpuModel the model name, or "unknown CPU"
 * @param vendor the vendor id ({@code GenuineIntel}, {@code AuthenticAMD}), or "unknown"
 * @param cores the cores this process may use
 * @param flags the CPU flags, in /proc/cpuinfo's order
 * @param caches the caches of CPU 0 the kernel exposes (empty when hidden)
 */
public record Host(String cpuModel, String vendor, int cores, List<String> flags, List<Cache> caches) {

    /**
     * One cache of CPU 0.
     *
     * @param level 1, 2, 3...
     * @param type {@code Data}, {@code Instruction} or {@code Unified}
     * @param size as the kernel writes it, e.g. {@code 48K}
     */
    public record Cache(int level, String type, String size) {
        @Override
        public String toString() {
            return "L" + level + (type.equals("Data") ? "d" : type.equals("Instruction") ? "i" : "") + " " + size;
        }
    }

    /** Copies the lists. */
    public Host {
        Objects.requireNonNull(cpuModel, "cpuModel");
        Objects.requireNonNull(vendor, "vendor");
        flags = List.copyOf(flags);
        caches = List.copyOf(caches);
    }

    /**
     * This machine.
     *
     * @return what Linux says about it (placeholders elsewhere)
     */
    public static Host current() {
        return read(Path.of("/proc/cpuinfo"), Path.of("/sys/devices/system/cpu/cpu0/cache"),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Reads a host description from the given files (tests use copies).
     *
     * @param cpuinfo a /proc/cpuinfo
     * @param cacheDir a /sys/devices/system/cpu/cpu0/cache directory (may be missing)
     * @param cores the cores this process may use
     * @return the description
     */
    static Host read(Path cpuinfo, Path cacheDir, int cores) {
        String model = "unknown CPU";
        String vendor = "unknown";
        List<String> flags = List.of();
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    break; // the first processor is enough
                }
                String key = line.contains(":") ? line.substring(0, line.indexOf(':')).trim() : "";
                String value = line.substring(line.indexOf(':') + 1).trim();
                switch (key) {
                    case "model name" -> model = value;
                    case "vendor_id" -> vendor = value;
                    case "flags" -> flags = Arrays.asList(value.split("\\s+"));
                    default -> { }
                }
            }
        } catch (IOException e) {
            // not Linux: placeholders
        }
        return new Host(model, vendor, cores, flags, caches(cacheDir));
    }

    private static List<Cache> caches(Path dir) {
        List<Cache> caches = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return caches;
        }
        try (DirectoryStream<Path> indexes = Files.newDirectoryStream(dir, "index*")) {
            for (Path index : indexes) {
                try {
                    caches.add(new Cache(Integer.parseInt(read(index.resolve("level"))), read(index.resolve("type")),
                            read(index.resolve("size"))));
                } catch (IOException | NumberFormatException e) {
                    // an entry the kernel left incomplete: skip it
                }
            }
        } catch (IOException e) {
            return caches;
        }
        caches.sort((a, b) -> a.level != b.level ? Integer.compare(a.level, b.level) : a.type.compareTo(b.type));
        return caches;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    /**
     * Whether the kernel exposes no cache sizes (a hypervisor hiding them).
     *
     * @return true if none are listed
     */
    public boolean cachesHidden() {
        return caches.isEmpty();
    }

    /**
     * The widest vector instruction set the flags announce, with the AVX-512 extensions that
     * oneDNN uses.
     *
     * @return e.g. {@code "AVX-512 (bf16, vnni)"}, {@code "AVX2"}, {@code "no AVX"}
     */
    public String vectorIsa() {
        Set<String> f = new LinkedHashSet<>(flags);
        if (f.contains("avx512f")) {
            List<String> ext = new ArrayList<>();
            for (String e : List.of("avx512_bf16", "avx512_vnni", "avx512_fp16", "amx_tile")) {
                if (f.contains(e)) {
                    ext.add(e.replace("avx512_", ""));
                }
            }
            return "AVX-512" + (ext.isEmpty() ? "" : " (" + String.join(", ", ext) + ")");
        }
        return f.contains("avx2") ? "AVX2" : f.contains("avx") ? "AVX" : "no AVX";
    }

    /**
     * One line naming this host for a figure: model, vendor, cores, vector ISA and caches.
     *
     * @return e.g. {@code "AMD EPYC (AuthenticAMD), 2 cores, AVX-512 (bf16, vnni), caches hidden"}
     */
    public String describe() {
        return String.format(Locale.ROOT, "%s (%s), %d cores, %s, %s", cpuModel, vendor, cores, vectorIsa(),
                cachesHidden() ? "caches hidden" : "caches " + caches);
    }

    /**
     * Whether the flags say this is a virtual machine.
     *
     * @return true if the {@code hypervisor} flag is set
     */
    public boolean virtualMachine() {
        return Collections.unmodifiableList(flags).contains("hypervisor");
    }
}
