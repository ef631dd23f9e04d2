package org.visionzoo.training.loop;

import org.visionzoo.training.report.CurvePlots;
import org.visionzoo.training.report.EpochRecord;
import org.visionzoo.training.report.MetricsLog;
import org.visionzoo.training.report.StepLog;
import org.visionzoo.training.report.StepRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Records a run in its directory: after each epoch the {@linkplain Checkpoint checkpoint} (first,
 * so that a crash loses no training), then the epoch's line in {@code metrics.jsonl}, the per-step
 * points in {@value StepLog#FILE} and the plots {@code loss.png} and {@code accuracy.png}. The
 * per-step points are windows of about a fiftieth of an epoch, averaged over their images.
 */
final class RunRecorder implements TrainingListener {

    /** About how many points of the per-step curves each epoch gets. */
    private static final int STEP_POINTS_PER_EPOCH = 50;

    private final Trainer trainer;
    private final Path directory;
    private final String title;
    private MetricsLog log;
    private StepLog steps;
    private int window = 1;
    private double windowLoss;
    private long windowCorrect;
    private long windowImages;

    RunRecorder(Trainer trainer, Path directory, String title) {
        this.trainer = trainer;
        this.directory = directory;
        this.title = title;
    }

    /**
     * Opens the logs at the start of {@code fit}: the run's step points up to the checkpoint, and
     * {@code metrics.jsonl} rebuilt from the checkpoint's history when it holds every epoch done
     * (else the file's first {@code epochsDone} lines, whose records then replace {@code history}).
     *
     * @param globalStep the step the run continues from
     * @param epochsDone the epochs done
     * @param history the trainer's records of the epochs done, replaced when read from the file
     * @throws UncheckedIOException if the directory cannot be made or a log read
     */
    void open(long globalStep, int epochsDone, List<EpochRecord> history) {
        steps = StepLog.open(directory.resolve(StepLog.FILE), globalStep);
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("metrics.jsonl");
            if (epochsDone > 0 && history.size() == epochsDone) {
                log = MetricsLog.restore(file, history); // the checkpoint's record of the epochs
            } else {
                log = epochsDone > 0 && Files.exists(file) ? MetricsLog.resume(file, epochsDone) : MetricsLog.create(file);
                history.clear();
                history.addAll(log.records());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts an epoch's step windows. */
    void startEpoch(int batchesPerEpoch) {
        window = Math.max(1, batchesPerEpoch / STEP_POINTS_PER_EPOCH);
        windowLoss = 0;
        windowCorrect = 0;
        windowImages = 0;
    }

    /**
     * Adds a step's figures to the current window, and the window's point when it is full or the
     * epoch ends.
     *
     * @param globalStep the step count after this step
     * @param epoch the 1-based epoch
     * @param batch the 0-based batch
     * @param batchesPerEpoch the batches in the epoch
     * @param lossSum the step's loss summed over its images
     * @param correct its correct top-1 predictions
     * @param images its images
     * @param lr its learning rate
     */
    void step(long globalStep, int epoch, int batch, int batchesPerEpoch, double lossSum, long correct,
            long images, float lr) {
        windowLoss += lossSum;
        windowCorrect += correct;
        windowImages += images;
        if (((batch + 1) % window == 0 || batch + 1 == batchesPerEpoch) && windowImages > 0) {
            steps.add(new StepRecord(globalStep, epoch - 1 + (batch + 1.0) / batchesPerEpoch,
                    windowLoss / windowImages, (double) windowCorrect / windowImages, lr));
            windowLoss = 0;
            windowCorrect = 0;
            windowImages = 0;
        }
    }

    @Override
    public void onEpochEnd(EpochRecord record, EvalResult validation) {
        try {
            Checkpoint.write(directory.resolve(Checkpoint.FILE), trainer.model(), trainer.optimizer(), trainer.ema(),
                    trainer.state());
            log.append(record);
            steps.save();
            CurvePlots.write(log.records(), steps.records(), directory, title);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
