package org.visionzoo.examples.zoo;

import org.visionzoo.training.data.DatasetException;
import org.visionzoo.training.data.DatasetLocator;
import org.visionzoo.training.data.MnistFamily;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** {@code zoo demo}: the README's main command. */
@Command(
        mixinStandardHelpOptions = true,
        name = "demo",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Trains ResNet-20 on the real Fashion-MNIST on this machine for a few minutes, showing",
            "progress, then prints the test accuracy and writes the curves plot and a checkpoint.",
            "If the data is missing it gets it: Debian's dataset-fashion-mnist package when",
            "running as root with apt-get, else the official files (SHA-256 checked)."
        })
final class DemoCommand extends ZooCommand {

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 1;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/demo-<date-time>).")
    Path out;

    @Option(names = "--no-install", description = "Never install or download the data; fail if it is missing.")
    boolean noInstall;

    @Mixin TrainRunOptions run = new TrainRunOptions();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter log = out();
        boolean download = false;
        try {
            DatasetLocator.standard().locate(MnistFamily.FASHION_MNIST.source());
        } catch (DatasetException missing) {
            if (noInstall) {
                throw missing;
            }
            if (!installDebianPackage(log)) {
                download = true;
            }
        }
        Path dir = out != null ? out : Path.of("runs", "demo-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        log.printf(Locale.ROOT, "zoo demo: training resnet20 (a CIFAR-style ResNet, 0.27 M parameters) on Fashion-MNIST"
                + " for %d epoch%s on %d CPU cores%s; the progress bar shows the time left.%n", epochs,
                epochs == 1 ? "" : "s", Runtime.getRuntime().availableProcessors(),
                run.limit == null ? "" : ", on " + run.limit + " images");
        log.flush();
        TrainCommand train = new TrainCommand();
        CommandLine cmd = new CommandLine(train);
        cmd.setOut(out());
        cmd.setErr(err());
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--model", "resnet20",
                "--dataset", "fashion-mnist", "--epochs", Integer.toString(epochs), "--batch-size", "128",
                "--optimizer", "sgd", "--lr", "0.1", "--schedule", "cosine", "--seed", "5", "--out", dir.toString()));
        if (download) {
            args.add("--download");
        }
        args.addAll(run.arguments());
        cmd.parseArgs(args.toArray(new String[0]));
        train.spec = cmd.getCommandSpec();
        int status = train.call();
        if (status == 0) {
            log.printf(Locale.ROOT, "%nzoo demo: test accuracy %.2f%% (Fashion-MNIST's 10,000 test images)."
                    + " Curves: %s; checkpoint: %s.%n", 100 * train.result.last().valTop1(),
                    dir.resolve("accuracy.png"), dir.resolve("checkpoint.safetensors"));
            log.printf("Next: ./zoo predict --weights %s IMAGE.png, or ./zoo train --help%n",
                    dir.resolve("model.safetensors"));
            log.flush();
        }
        return status;
    }

    /** Installs Debian's package when running as root with apt-get; says what it does. */
    private boolean installDebianPackage(PrintWriter log) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (!root || !apt) {
            log.println("zoo demo: Fashion-MNIST is not installed" + (apt ? " (installing dataset-fashion-mnist"
                    + " needs root)" : "") + "; downloading the official files instead.");
            log.flush();
            return false;
        }
        log.println("zoo demo: Fashion-MNIST is missing; running: apt-get install -y dataset-fashion-mnist");
        log.flush();
        Process p = new ProcessBuilder("apt-get", "install", "-y", "-q", "dataset-fashion-mnist")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        int rc = p.waitFor();
        if (rc != 0) {
            log.println("zoo demo: apt-get failed (exit " + rc + "); downloading the official files instead.");
            log.flush();
            return false;
        }
        return true;
    }
}
