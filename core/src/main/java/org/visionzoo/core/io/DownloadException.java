package org.visionzoo.core.io;

import java.io.IOException;
import java.util.Objects;

/**
 * A download failed: the request, the HTTP status, the length, the digest, or a stalled body.
 *
 * <p>The message always starts with the URL and goes on with what was expected and what was
 * found, e.g. {@code https://host/f.bin: SHA-256 mismatch: expected 1234abcd, got ...}.
 */
public class DownloadException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String url;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param url the URL that was downloaded
     * @param problem what was expected and what was found
     * @param cause the lower-level exception, or {@code null}
     */
    public DownloadException(String url, String problem, Throwable cause) {
        super(Objects.requireNonNull(url, "url") + ": " + Objects.requireNonNull(problem, "problem"), cause);
        this.url = url;
        this.problem = problem;
    }

    /**
     * Creates the exception.
     *
     * @param url the URL that was downloaded
     * @param problem what was expected and what was found
     */
    public DownloadException(String url, String problem) {
        this(url, problem, null);
    }

    /**
     * Returns the URL that was downloaded (the one asked for, before redirects).
     *
     * @return the URL
     */
    public String url() {
        return url;
    }

    /**
     * Returns the message without the URL.
     *
     * @return what was expected and what was found
     */
    public String problem() {
        return problem;
    }
}
