package org.visionzoo.examples.zoo;

import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;

import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

    /**
     * Checks an output file's path before any work: an empty name or a directory is a usage error
     * (exit status 2); a missing directory, or a file where a directory should be, fails at once
     * (exit status 1) naming both paths.
     */
    static void requireOutputDirectory(CommandSpec spec, String option, Path file) throws IOException {
        if (file.toString().isBlank()) {
            throw new Errors.UsageError(spec.commandLine(), option + " needs a file name, got an empty one");
        }
        if (Files.isDirectory(file)) {
            throw new Errors.UsageError(spec.commandLine(), option + " " + file + " is a directory; give a file name");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            for (Path p = parent; p != null; p = p.getParent()) {
                if (Files.exists(p) && !Files.isDirectory(p)) {
                    throw new FileSystemException(file.toString(), null,
                            "cannot write here: " + p + " is a file, not a directory");
                }
            }
            throw new NoSuchFileException(
                    parent.toString(), null, "output directory does not exist (for " + file + ")");
        }
    }

    /** A run or output directory: a usage error (exit status 2) if the path is a file. */
    static void requireDirectoryOrAbsent(CommandSpec spec, String option, Path dir) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new Errors.UsageError(spec.commandLine(), option + " " + dir + ": "
                        + (p.equals(dir.toAbsolutePath()) ? "is a file, not a directory" : p + " is a file, not a directory"));
            }
        }
    }

    /** Formats a parameter count with thousands separators: {@code 25,557,032}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
