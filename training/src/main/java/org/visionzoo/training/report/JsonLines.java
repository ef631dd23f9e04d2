package org.visionzoo.training.report;

import org.visionzoo.core.io.AtomicFile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The JSON-lines files of {@link MetricsLog} and {@link StepLog}: one JSON object per line, UTF-8,
 * each line ending in {@code \n}, rewritten atomically; errors name the file and the 1-based line.
 */
final class JsonLines {

    /** Takes a parsed record with its 1-based line number. */
    @FunctionalInterface
    interface Sink<R> {
        /**
         * Takes one record.
         *
         * @param lineNumber where the record stands, for messages ({@link #failure})
         * @param record the record
         */
        void accept(int lineNumber, R record);
    }

    private JsonLines() {}

    /**
     * Reads every non-blank line.
     *
     * @param file the file
     * @param what what the file is, for messages ({@code log}, {@code step log})
     * @param parse parses a line, throwing {@link IllegalArgumentException} on a malformed one
     * @param sink takes each record in file order
     * @throws UncheckedIOException if the file is missing or unreadable, or a line is malformed
     */
    static <R> void read(Path file, String what, Function<String, R> parse, Sink<R> sink) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                R r;
                try {
                    r = parse.apply(line);
                } catch (IllegalArgumentException e) {
                    throw failure(file + ":" + lineNumber + ": " + e.getMessage(), e);
                }
                sink.accept(lineNumber, r);
            }
        } catch (NoSuchFileException e) {
            throw failure(file + ": no such file", e);
        } catch (IOException e) {
            throw failure(file + ": cannot read the " + what + ": " + e, e);
        }
    }

    /**
     * Rewrites the file atomically: the old content stays if writing fails.
     *
     * @param file the file
     * @param what what the file is, for messages
     * @param records the records, in order
     * @param toLine a record's JSON line, without the newline
     * @throws UncheckedIOException if the file cannot be written
     */
    static <R> void write(Path file, String what, List<R> records, Function<R, String> toLine) {
        try {
            AtomicFile.write(file, out -> {
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                for (R r : records) {
                    w.write(toLine.apply(r));
                    w.write('\n');
                }
                w.flush();
            });
        } catch (IOException e) {
            throw failure(file + ": cannot write the " + what + ": " + e, e);
        }
    }

    /**
     * An unchecked failure whose cause is an {@link IOException} with the same message.
     *
     * @param message the message, starting with the file
     * @param cause the underlying exception, or {@code null}
     * @return the exception to throw
     */
    static UncheckedIOException failure(String message, Exception cause) {
        return new UncheckedIOException(message, new IOException(message, cause));
    }
}
