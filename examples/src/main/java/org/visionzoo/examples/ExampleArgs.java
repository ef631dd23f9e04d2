package org.visionzoo.examples;

import java.nio.file.Path;

/**
 * The positional arguments of an example's {@code main}: a usage line on standard error when there
 * are too few, optional trailing numbers with their defaults.
 */
final class ExampleArgs {

    private final String[] args;

    private ExampleArgs(String[] args) {
        this.args = args;
    }

    /**
     * The arguments, or {@code null} after printing {@code usage: USAGE} when there are fewer than
     * {@code required}.
     */
    static ExampleArgs of(String[] args, int required, String usage) {
        if (args.length < required) {
            System.err.println("usage: " + usage);
            return null;
        }
        return new ExampleArgs(args);
    }

    /** Argument {@code i}. */
    String get(int i) {
        return args[i];
    }

    /** Argument {@code i} as a path. */
    Path path(int i) {
        return Path.of(args[i]);
    }

    /** Argument {@code i} as an integer, or {@code fallback} when there are not that many. */
    int intOr(int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }
}
