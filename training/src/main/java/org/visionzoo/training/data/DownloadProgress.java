package org.visionzoo.training.data;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import org.visionzoo.core.io.Download;

/** Progress bars on {@code System.err} for {@link Download} (core itself prints nothing). */
public final class DownloadProgress {

    private DownloadProgress() {}

    /**
     * Returns a callback that draws one progress bar per file on {@code System.err}: KiB for
     * files under a MiB, MiB otherwise, with the speed.
     *
     * @return the callback
     */
    public static Download.Progress bar() {
        return (name, length) -> {
            boolean small = length >= 0 && length < 1 << 20;
            ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName(name)
                    .setInitialMax(length)
                    .setUnit(small ? " KiB" : " MiB", small ? 1 << 10 : 1 << 20)
                    .setUpdateIntervalMillis(250)
                    .showSpeed()
                    .build();
            return new Download.Progress.Tracker() {
                @Override
                public void update(long bytes) {
                    bar.stepTo(bytes);
                }

                @Override
                public void close() {
                    bar.close();
                }
            };
        };
    }

    /**
     * Returns {@link #bar()} when the JVM has a terminal, else no progress reports (logs stay
     * clean).
     *
     * @return the callback
     */
    public static Download.Progress onTerminal() {
        return System.console() != null ? bar() : Download.Progress.NONE;
    }
}
