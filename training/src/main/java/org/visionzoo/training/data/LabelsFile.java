package org.visionzoo.training.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A labels file: one class name per line, in class-index order; blank lines are skipped. */
public final class LabelsFile {

    private LabelsFile() {}

    /**
     * Reads the class names.
     *
     * @param file the file, UTF-8
     * @return the names, stripped, at least one
     * @throws IOException if the file cannot be read or names no class
     */
    public static List<String> read(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.isEmpty()) {
            throw new IOException(file + ": no labels (expected one class name per line)");
        }
        return names;
    }
}
