package org.visionzoo.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test process's resident memory, for flat-memory checks. */
public final class ProcessMemory {

    private ProcessMemory() {}

    /**
     * Returns the resident set size of this process.
     *
     * @return VmRSS from /proc/self/status, in kB
     */
    public static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }
}
