package org.visionzoo.examples.zoo;

import ai.djl.engine.EngineException;

import org.visionzoo.core.io.TensorFormatException;
import org.visionzoo.core.weights.WeightsMismatchException;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * How {@code zoo} reports errors: one line {@code zoo: <message>} on stderr (a weights mismatch
 * lists its keys on the following lines), no stack trace unless {@code --debug} or {@code
 * ZOO_DEBUG=1}.
 */
final class Errors {

    /** The exit status of a failure: I/O error, mismatched weights, engine error. */
    static final int FAILURE = 1;

    /** The exit status of a usage error (picocli's default for invalid input). */
    static final int USAGE = 2;

    static final String DEBUG_OPTION = "--debug";

    static final String DEBUG_HINT = " (run with --debug for the stack trace)";

    private Errors() {}

    /**
     * A usage error found after parsing (an unknown model name, a number out of range): exit status
     * 2, printed as is, without picocli's help hint.
     */
    static final class UsageError extends ParameterException {

        private static final long serialVersionUID = 1L;

        UsageError(CommandLine commandLine, String message) {
            super(commandLine, message);
        }
    }

    /** Reports an invalid command line. */
    static int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        StringBuilder message = new StringBuilder("zoo: ").append(ex.getMessage());
        if (!(ex instanceof UsageError)) {
            if (ex instanceof UnmatchedArgumentException unmatched) {
                List<String> suggestions = unmatched.getSuggestions();
                if (!suggestions.isEmpty()) {
                    message.append("; did you mean ")
                            .append(String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))))
                            .append('?');
                }
            }
            message.append(" (see '").append(cmd.getCommandSpec().qualifiedName()).append(" --help')");
        }
        err.println(message);
        if (isDebug(args)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return USAGE;
    }

    /** Reports a failure of a command. */
    static int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        boolean debug = isDebug(parseResult.originalArgs().toArray(new String[0]));
        err.println("zoo: " + describe(ex) + (debug || isExpected(ex) ? "" : DEBUG_HINT));
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return FAILURE;
    }

    /** Whether the command line or the environment asks for stack traces. */
    static boolean isDebug(String[] args) {
        if ("1".equals(System.getenv("ZOO_DEBUG")) || "true".equalsIgnoreCase(System.getenv("ZOO_DEBUG"))) {
            return true;
        }
        for (String arg : args) {
            if ("--".equals(arg)) {
                return false;
            }
            if (DEBUG_OPTION.equals(arg)) {
                return true;
            }
        }
        return false;
    }

    /** Failures whose message says everything: no hint to look at the stack trace. */
    private static boolean isExpected(Throwable t) {
        return t instanceof IOException || t instanceof UncheckedIOException;
    }

    /**
     * Turns an exception into the message users see: the file and the problem for I/O errors, the
     * message for the rest (the type too where the message alone would not say what happened).
     */
    static String describe(Throwable t) {
        if (t instanceof UncheckedIOException unchecked && unchecked.getCause() != null) {
            return describe(unchecked.getCause());
        }
        if (t instanceof WeightsMismatchException || t instanceof TensorFormatException) {
            return t.getMessage();
        }
        if (t instanceof NoSuchFileException e) {
            return e.getFile() + ": " + (e.getReason() != null ? e.getReason() : "no such file or directory");
        }
        if (t instanceof AccessDeniedException e) {
            return e.getFile() + ": " + (e.getReason() != null ? e.getReason() : "permission denied");
        }
        if (t instanceof FileSystemException e) {
            return e.getMessage();
        }
        if (t instanceof OutOfMemoryError) {
            return "out of Java heap memory; raise it with ZOO_JAVA_OPTS=-Xmx... ("
                    + t.getMessage() + ")";
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName()
                    + (t.getCause() != null ? ": " + describe(t.getCause()) : "");
        }
        if (t instanceof EngineException) {
            // libtorch appends a C++ backtrace: keep the message only.
            int trace = message.indexOf("\nException raised from");
            return "engine error: " + (trace >= 0 ? message.substring(0, trace) : message).strip();
        }
        if (t instanceof IllegalArgumentException
                || t instanceof IllegalStateException
                || t instanceof IOException) {
            return message;
        }
        return t.getClass().getSimpleName() + ": " + message;
    }
}
