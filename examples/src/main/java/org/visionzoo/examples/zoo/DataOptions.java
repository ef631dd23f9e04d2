package org.visionzoo.examples.zoo;

import org.visionzoo.training.data.ImageFolder;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --dataset}, {@code --data} and {@code --download}, shared by train and eval. */
final class DataOptions {

    @Option(names = "--dataset", required = true, paramLabel = "DATA",
            description = "fashion-mnist, mnist, cifar10, cifar100 or folder:PATH.")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Where the dataset is (default: /usr/share/datasets/<name>, then $VISIONZOO_DATA or ~/.visionzoo/data).")
    Path data;

    @Option(names = "--download", description = "Download the dataset's official files (SHA-256 checked) if it is not found.")
    boolean download;

    /** {@code --dataset}, parsed; a usage error naming the accepted values otherwise. */
    DataSetup.Spec parse(CommandSpec command) {
        try {
            return DataSetup.parse(dataset);
        } catch (IllegalArgumentException e) {
            throw new Errors.UsageError(command.commandLine(), e.getMessage());
        }
    }

    /**
     * Finds and reads the data ({@link DataSetup#load}), saying on the command's error stream what
     * it downloads.
     */
    DataSetup.Data load(CommandSpec command, DataSetup.Spec ds, Double valSplit, long seed,
            ImageFolder.Options folderOptions) throws IOException {
        return DataSetup.load(ds, data, download, valSplit, seed, folderOptions, command.commandLine().getErr());
    }
}
