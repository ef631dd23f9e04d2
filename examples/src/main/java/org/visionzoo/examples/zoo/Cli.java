package org.visionzoo.examples.zoo;

import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;

import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/** What the subcommands share: argument checks that fail fast, before a model is built. */
final class Cli {

    private Cli() {}

    /**
     * Looks a model up, as a usage error (exit status 2) listing the closest names if unknown.
     */
    static ModelSpec model(CommandSpec spec, String name) {
        try {
            return Models.spec(name);
        } catch (IllegalArgumentException e) {
            throw new Errors.UsageError(spec.commandLine(), e.getMessage() + " (see 'zoo list')");
        }
    }

    /** Returns {@code value}, or {@code fallback} when the option was not given; > 0 or a usage error. */
    static int positive(CommandSpec spec, String option, Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value <= 0) {
            throw new Errors.UsageError(spec.commandLine(), option + " must be > 0, got " + value);
        }
        return value;
    }

    /** Fails at once (exit status 1) if an input file is missing or unreadable. */
    static void requireReadableFile(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString(), null, what + " is not readable");
        }
    }

    /** Fails at once (exit status 1) if an output file's directory does not exist. */
    static void requireOutputDirectory(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            if (Files.exists(parent)) {
                throw new NotDirectoryException(parent.toString());
            }
            throw new NoSuchFileException(
                    parent.toString(), null, "output directory does not exist (for " + file + ")");
        }
        if (Files.isDirectory(file)) {
            throw new AccessDeniedException(file.toString(), null, "output is a directory");
        }
    }

    /** Formats a parameter count with thousands separators: {@code 25,557,032}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
