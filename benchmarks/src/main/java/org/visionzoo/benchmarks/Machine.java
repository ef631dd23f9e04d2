package org.visionzoo.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What a benchmark ran on, for the generated documents. */
final class Machine {

    private Machine() {}

    /** The glibc version, from {@code ldd --version}, or "glibc ?". */
    static String glibc() {
        String first = firstLine("ldd", "--version");
        return first == null ? "glibc ?" : first.replaceAll("^ldd\\s*", "").trim();
    }

    /** The Python interpreter's version line. */
    static String pythonVersion(String python) {
        String v = firstLine(python, "--version");
        return v == null ? python : v.trim();
    }

    private static String firstLine(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
