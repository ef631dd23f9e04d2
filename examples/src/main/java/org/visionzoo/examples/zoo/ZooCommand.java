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

    /** The command's standard output. */
    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The command's standard error. */
    final PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
