package org.visionzoo.training.report;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A training run's per-step curve points ({@link StepRecord}s) in {@value #FILE}, one JSON object
 * per line. Points are added in memory as training goes and the file is rewritten atomically at
 * each epoch's end, after the checkpoint: a run killed in between loses at most that epoch's
 * points (the curves, not the training, which resumes from the checkpoint).
 */
public final class StepLog {

    /** The file name in a run directory. */
    public static final String FILE = "steps.jsonl";

    private final Path file;
    private final List<StepRecord> records;

    private StepLog(Path file, List<StepRecord> records) {
        this.file = file;
        this.records = records;
    }

    /**
     * Opens the log of a run: the points already in the file up to {@code lastStep} (those after
     * it belong to an epoch the checkpoint does not hold), or none.
     *
     * @param file the log file
     * @param lastStep the global step of the checkpoint the run resumes from (0 for a new run)
     * @return the log
     * @throws UncheckedIOException if the file cannot be read or has a malformed line (naming it)
     */
    public static StepLog open(Path file, long lastStep) {
        Objects.requireNonNull(file, "file");
        List<StepRecord> kept = new ArrayList<>();
        if (lastStep > 0 && Files.exists(file)) {
            JsonLines.read(file, "step log", StepRecord::fromJson, (lineNumber, r) -> {
                if (r.step() <= lastStep) {
                    kept.add(r);
                }
            });
        }
        return new StepLog(file, kept);
    }

    /**
     * Adds a point (in memory; {@link #save()} writes the file).
     *
     * @param r the point
     */
    public synchronized void add(StepRecord r) {
        records.add(Objects.requireNonNull(r, "r"));
    }

    /**
     * The points so far, oldest first.
     *
     * @return an unmodifiable snapshot
     */
    public synchronized List<StepRecord> records() {
        return List.copyOf(records);
    }

    /**
     * Rewrites the file atomically with every point so far.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public synchronized void save() {
        JsonLines.write(file, "step log", records, StepRecord::toJsonLine);
    }
}
