package org.visionzoo.examples.zoo;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What the subcommands that take options share: their command line, injected by picocli, and the
 * usage errors and output stream that come from it.
 */
abstract class ZooCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    /** A usage error (exit status 2), printed as is, without picocli's help hint. */
    final Errors.UsageError usage(String message) {
        return new Errors.UsageError(spec.commandLine(), message);
    }

    /**
     * A usage error unless {@code ok}, saying {@code OPTION must be RULE, got VALUE}, e.g. {@code
     * --epochs must be >= 1, got 0}.
     */
    final void require(boolean ok, String option, String rule, Object value) {
        if (!ok) {
            throw usage(option + " must be " + rule + ", got " + value);
        }
    }

    /** The command's standard output. */
    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The command's standard error. */
    final PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
