package org.visionzoo.training.report;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A training run's metrics, one {@link EpochRecord} per epoch, kept in memory and in a JSON Lines
 * file (one {@link EpochRecord#toJsonLine() JSON object} per line, UTF-8, each line ending in
 * {@code \n}).
 *
 * <p>Every {@link #append(EpochRecord)} rewrites the whole file atomically (a temporary file in
 * the same folder, renamed over the log), so a crash leaves either the previous or the new
 * content, never a half-written line. A log holds at most a few hundred short lines, so
 * rewriting costs nothing next to an epoch.
 *
 * <p>Failures to read or write the file are thrown as {@link UncheckedIOException}s whose message
 * names the file. The methods are synchronized, so the log may be shared between threads.
 */
public final class MetricsLog {

    private final Path file;
    private final List<EpochRecord> records;

    private MetricsLog(Path file, List<EpochRecord> records) {
        this.file = file;
        this.records = records;
    }

    /**
     * Starts a new, empty log, replacing an existing file at once (it is rewritten empty) and
     * creating missing parent folders.
     *
     * @param file the log file, e.g. {@code runs/resnet18/metrics.jsonl}
     * @return the empty log
     * @throws UncheckedIOException if the file cannot be written
     */
    public static MetricsLog create(Path file) {
        Objects.requireNonNull(file, "file");
        MetricsLog log = new MetricsLog(file, new ArrayList<>());
        log.save();
        return log;
    }

    /**
     * Continues the log of a run resumed from a checkpoint: reads the existing records and keeps
     * those with {@code epoch <= keepEpochs}, dropping the lines written after the checkpoint. The
     * file is rewritten with only the kept records at once. A missing file gives an empty log.
     *
     * @param file the log file
     * @param keepEpochs the last epoch the checkpoint completed (0 keeps nothing)
     * @return the log, ready to append epoch {@code keepEpochs + 1}
     * @throws IllegalArgumentException if keepEpochs &lt; 0
     * @throws UncheckedIOException if the file cannot be read or written, or has a malformed line
     *     (the message names the file and the 1-based line number)
     */
    public static MetricsLog resume(Path file, int keepEpochs) {
        Objects.requireNonNull(file, "file");
        if (keepEpochs < 0) {
            throw new IllegalArgumentException("keepEpochs must be >= 0: " + keepEpochs);
        }
        List<EpochRecord> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (EpochRecord r : read(file)) {
                if (r.epoch() <= keepEpochs) {
                    kept.add(r);
                }
            }
        }
        MetricsLog log = new MetricsLog(file, kept);
        log.save();
        return log;
    }

    /**
     * Rewrites the log of a resumed run from the records its checkpoint holds: whatever the file
     * held (a line too many or too few after a kill between the checkpoint and the log) is
     * replaced at once.
     *
     * @param file the log file
     * @param records the records of the epochs done, oldest first
     * @return the log, ready to append the next epoch
     * @throws UncheckedIOException if the file cannot be written
     */
    public static MetricsLog restore(Path file, List<EpochRecord> records) {
        Objects.requireNonNull(file, "file");
        MetricsLog log = new MetricsLog(file, new ArrayList<>(records));
        log.save();
        return log;
    }

    /**
     * Reads a log file. Blank lines are skipped; the epochs must increase from line to line.
     *
     * @param file the log file
     * @return its records in file order, unmodifiable
     * @throws UncheckedIOException if the file cannot be read, or has a malformed line or an epoch
     *     out of order (the message names the file and the 1-based line number, e.g. {@code
     *     runs/metrics.jsonl:3: missing key 'val_loss'})
     */
    public static List<EpochRecord> read(Path file) {
        Objects.requireNonNull(file, "file");
        List<EpochRecord> result = new ArrayList<>();
        JsonLines.read(file, "log", EpochRecord::fromJson, (lineNumber, r) -> {
            if (!result.isEmpty() && r.epoch() <= result.get(result.size() - 1).epoch()) {
                throw JsonLines.failure(file + ":" + lineNumber + ": epoch " + r.epoch()
                        + " does not come after epoch "
                        + result.get(result.size() - 1).epoch() + " of the line before", null);
            }
            result.add(r);
        });
        return List.copyOf(result);
    }

    /**
     * Adds an epoch's record and rewrites the file atomically. If writing fails the record is not
     * added and the file keeps its previous content.
     *
     * @param r the record; its epoch must be greater than every epoch already in the log
     * @throws IllegalArgumentException if the epoch is not greater than the last one
     * @throws UncheckedIOException if the file cannot be written
     */
    public synchronized void append(EpochRecord r) {
        Objects.requireNonNull(r, "r");
        if (!records.isEmpty()) {
            int last = records.get(records.size() - 1).epoch();
            if (r.epoch() <= last) {
                throw new IllegalArgumentException(file + ": epoch " + r.epoch()
                        + " must come after the last logged epoch " + last);
            }
        }
        records.add(r);
        try {
            save();
        } catch (UncheckedIOException e) {
            records.remove(records.size() - 1);
            throw e;
        }
    }

    /**
     * The records so far, oldest first.
     *
     * @return an unmodifiable snapshot
     */
    public synchronized List<EpochRecord> records() {
        return List.copyOf(records);
    }

    /**
     * The log file.
     *
     * @return the path given to {@link #create(Path)} or {@link #resume(Path, int)}
     */
    public Path file() {
        return file;
    }

    private void save() {
        JsonLines.write(file, "log", records, EpochRecord::toJsonLine);
    }
}
