package org.visionzoo.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * How this module's programs read their command lines: picocli on an object of {@code @Option}
 * fields, {@code -h}/{@code --help}, and the same messages and exit statuses for all of them.
 */
final class CommandLines {

    /** The exit status for bad arguments. */
    static final int USAGE = 2;

    /** The exit status for a failed run. */
    static final int FAILURE = 1;

    private CommandLines() {}

    /** A program's work once its arguments are read and checked. */
    @FunctionalInterface
    interface Work {
        /**
         * Does the work.
         *
         * @return the exit status
         * @throws IOException on a failure to read or write
         */
        int run() throws IOException;
    }

    /**
     * The command line of a program whose options are {@code options}'s fields.
     *
     * @param name the program's name, for the usage text
     * @param options the object picocli fills in
     * @return the command line
     */
    static CommandLine of(String name, Object options) {
        CommandLine cl = new CommandLine(options);
        cl.setCommandName(name);
        cl.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Print this help and exit.").build());
        cl.getCommandSpec().usageMessage().synopsisHeading("usage: ").sortOptions(false);
        return cl;
    }

    /**
     * Reads the arguments into {@code options}.
     *
     * @param name the program's name
     * @param options the object picocli fills in
     * @param args the arguments
     * @return the command line, to ask whether help was requested
     * @throws ParameterException naming the offending option or argument
     */
    static CommandLine parse(String name, Object options, String... args) {
        CommandLine cl = of(name, options);
        cl.parseArgs(args);
        return cl;
    }

    /**
     * Runs a program: reads the arguments into {@code options} and checks them (bad ones: the
     * message and the usage line on {@code err}, exit status 2), prints the help on {@code out} if
     * asked (exit status 0), else does the work (a failure: its message on {@code err}, exit status
     * 1).
     *
     * @param name the program's name, for messages
     * @param options the object picocli fills in
     * @param args the arguments
     * @param check what picocli cannot check; an {@link IllegalArgumentException} is a usage error
     * @param out where the help goes
     * @param err where errors go
     * @param work the program's work
     * @return the exit status
     */
    static int run(String name, Object options, String[] args, Runnable check, PrintStream out, PrintStream err,
            Work work) {
        CommandLine cl = of(name, options);
        try {
            cl.parseArgs(args);
            if (cl.isUsageHelpRequested()) {
                out.print(cl.getUsageMessage());
                return 0;
            }
            check.run();
        } catch (ParameterException | IllegalArgumentException e) {
            err.println(name + ": " + e.getMessage());
            CommandLine.Help help = cl.getHelp();
            err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
            return USAGE;
        }
        try {
            return work.run();
        } catch (IOException | RuntimeException e) {
            err.println(name + ": " + e.getMessage());
            return FAILURE;
        }
    }
}
