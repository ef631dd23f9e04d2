package org.visionzoo.training.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A dataset file is malformed, truncated, hostile, or cannot be found.
 *
 * <p>The message always starts with the source (the file, the folder, or an entry of an archive in
 * that file) and goes on with what was expected and what was found, e.g. {@code
 * /d/train-labels-idx1-ubyte.gz: label 12 at index 7 is out of range 0..9}.
 */
public class DatasetException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file, folder or archive entry the problem was found in. */
    private final String source;

    /**
     * Creates an exception for a problem in a file or folder.
     *
     * @param file the malformed or missing file
     * @param problem what was expected and what was found
     */
    public DatasetException(Path file, String problem) {
        this(String.valueOf(file), problem, null);
    }

    /**
     * Creates an exception for a problem in a file that a lower-level exception revealed.
     *
     * @param file the malformed file
     * @param problem what was expected and what was found
     * @param cause the lower-level exception, or {@code null}
     */
    public DatasetException(Path file, String problem, Throwable cause) {
        this(String.valueOf(file), problem, cause);
    }

    /**
     * Creates an exception for a problem in a source that is not a whole file, such as an entry of
     * a tar archive ({@code /d/cifar-10-binary.tar.gz!cifar-10-batches-bin/test_batch.bin}).
     *
     * @param source the source, naming the file it comes from
     * @param problem what was expected and what was found
     */
    public DatasetException(String source, String problem) {
        this(source, problem, null);
    }

    /**
     * Creates an exception for a problem that a lower-level exception revealed.
     *
     * @param source the source, naming the file it comes from
     * @param problem what was expected and what was found
     * @param cause the lower-level exception, or {@code null}
     */
    public DatasetException(String source, String problem, Throwable cause) {
        super(Objects.requireNonNull(source, "source") + ": " + problem, cause);
        this.source = source;
    }

    /**
     * Returns the file, folder or archive entry the problem was found in.
     *
     * @return the source, as given to the constructor
     */
    public String source() {
        return source;
    }
}
