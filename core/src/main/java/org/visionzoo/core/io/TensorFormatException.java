package org.visionzoo.core.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A tensor file is malformed, hostile, or uses a feature this package does not support.
 *
 * <p>The message always starts with the source (the file, or an entry of an archive in that file)
 * and goes on with what was expected and what was found, e.g. {@code /m/w.safetensors: tensor
 * 'fc.weight': data_offsets end 120 is beyond the data region of 64 bytes}.
 */
public class TensorFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file or archive entry the problem was found in. */
    private final String source;

    /**
     * Creates an exception for a problem in a file.
     *
     * @param file the malformed file
     * @param problem what was expected and what was found
     */
    public TensorFormatException(Path file, String problem) {
        this(String.valueOf(file), problem, null);
    }

    /**
     * Creates an exception for a problem in a file that a lower-level exception revealed.
     *
     * @param file the malformed file
     * @param problem what was expected and what was found
     * @param cause the lower-level exception, or {@code null}
     */
    public TensorFormatException(Path file, String problem, Throwable cause) {
        this(String.valueOf(file), problem, cause);
    }

    /**
     * Creates an exception for a problem in a source that is not a whole file, such as an entry of
     * an {@code .npz} archive.
     *
     * @param source the source, naming the file it comes from
     * @param problem what was expected and what was found
     */
    public TensorFormatException(String source, String problem) {
        this(source, problem, null);
    }

    /**
     * Creates an exception for a problem that a lower-level exception revealed.
     *
     * @param source the source, naming the file it comes from
     * @param problem what was expected and what was found
     * @param cause the lower-level exception, or {@code null}
     */
    public TensorFormatException(String source, String problem, Throwable cause) {
        super(Objects.requireNonNull(source, "source") + ": " + problem, cause);
        this.source = source;
    }

    /**
     * Returns the file or archive entry the problem was found in.
     *
     * @return the source, as given to the constructor
     */
    public String source() {
        return source;
    }
}
