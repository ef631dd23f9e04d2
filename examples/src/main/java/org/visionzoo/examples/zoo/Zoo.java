package org.visionzoo.examples.zoo;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code zoo} command: the entry point and the root of its subcommands.
 *
 * <pre>
 * zoo list [--json]
 * zoo summary MODEL [--num-classes N] [--image-size S] [--depth D]
 * zoo forward --model NAME --weights W.safetensors --input IN.npy --output OUT.npy
 * zoo export --model NAME [--weights IN] [--seed S] --output OUT.safetensors
 * zoo train --model NAME --dataset DATA [options]
 * zoo eval --model NAME --weights W --dataset DATA
 * zoo predict [--model NAME] --weights W IMAGE...
 * zoo demo
 * zoo bench --model NAME [--train]
 * zoo doctor [--json]
 * zoo weights list|download|verify
 * </pre>
 *
 * <p>Tests run it in-process with {@link #commandLine()}, whose output and error writers can be
 * replaced; {@link #main(String[])} only adds {@link System#exit(int)}.
 */
@Command(
        name = "zoo",
        mixinStandardHelpOptions = true,
        versionProvider = Zoo.Version.class,
        usageHelpAutoWidth = true,
        synopsisSubcommandLabel = "COMMAND",
        header = "VisionZoo: CNN image classifiers on DJL with torchvision parity.",
        description = {
            "",
            "Trains, evaluates and runs the registered models, summarises them, exports weights for"
                    + " PyTorch and runs forward passes on .npy batches, on the CPU PyTorch engine"
                    + " (nothing is downloaded unless asked).",
            ""
        },
        commandListHeading = "%nCommands:%n",
        subcommands = {
            ListCommand.class,
            SummaryCommand.class,
            ForwardCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            PredictCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            ExportCommand.class,
            DoctorCommand.class,
            WeightsCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%n",
        footer = {
            "Exit status:",
            "  0  success",
            "  1  failure (unreadable or mismatched files, engine errors)",
            "  2  usage error (unknown option or model, bad number, missing parameter)",
            "",
            "Environment:",
            "  ZOO_DEBUG=1      same as --debug",
            "  ZOO_JAVA_OPTS    JVM options for ./zoo, e.g. -Dai.djl.pytorch.num_threads=4",
            "  VISIONZOO_MEMORY_FORMAT  auto (default), channels-last or contiguous: the memory order",
            "                   models run in (auto: the one the platform self-check found right; see",
            "                   'zoo doctor'); --contiguous sets it for one command",
            "",
            "Examples:",
            "  zoo demo",
            "  zoo list",
            "  zoo summary resnet50 --depth 1",
            "  zoo export --model resnet18 --num-classes 10 --seed 1 -o r18.safetensors",
            "  zoo forward --model resnet18 --num-classes 10 --weights r18.safetensors \\",
            "      --input batch.npy --output logits.npy",
            "  zoo train --model resnet20 --dataset fashion-mnist --epochs 2 --out runs/r20",
            "  zoo predict --weights runs/r20/model.safetensors shirt.png",
            "  zoo doctor",
            ""
        })
public final class Zoo implements Callable<Integer> {

    /** Read by {@link Errors} from the command line itself, so that it also works on parse errors. */
    @Option(
            names = Errors.DEBUG_OPTION,
            scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error (also: ZOO_DEBUG=1).")
    boolean debug;

    @Spec CommandSpec spec;

    /** Creates the root command (picocli instantiates it; use {@link #commandLine()}). */
    public Zoo() {}

    /**
     * Runs {@code zoo} and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        boolean debug = Errors.isDebug(args);
        if (debug) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
        int status;
        try {
            status = commandLine().execute(args);
        } catch (Throwable t) {
            // Errors (out of memory, a native library that fails to link) escape picocli's handler.
            PrintStream err = System.err;
            err.println("zoo: " + Errors.describe(t) + (debug ? "" : Errors.DEBUG_HINT));
            if (debug) {
                t.printStackTrace(err);
            }
            status = Errors.FAILURE;
        }
        System.exit(status);
    }

    /**
     * Builds the command line with VisionZoo's error handling: one {@code zoo: <message>} line on
     * the error writer, exit status 2 for usage errors and 1 for failures.
     *
     * @return a new command line; replace its writers with {@code setOut}/{@code setErr}
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Zoo());
        cmd.setParameterExceptionHandler(Errors::handleParseException);
        cmd.setExecutionExceptionHandler(Errors::handleExecutionException);
        return cmd;
    }

    @Override
    public Integer call() {
        throw new Errors.UsageError(
                spec.commandLine(),
                "missing command: one of demo, train, eval, predict, bench, list, summary, forward, export, doctor"
                        + " (see 'zoo --help')");
    }

    /** {@code zoo --version}: the app's version and the engine it was built with. */
    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Zoo.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "zoo " + p.getProperty("zoo.version", "(unknown version)"),
                "DJL "
                        + p.getProperty("djl.version", "?")
                        + ", PyTorch engine with libtorch "
                        + p.getProperty("pytorch.version", "?")
                        + " (CPU)",
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
