package org.visionzoo.core.model;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The platform self-check behind {@link MemoryFormat}: the first CPU pass of a process runs each
 * kind of kernel the registered models use, in both memory orders, on a batch of two, and compares
 * every result with a float64 reference ({@link KernelCase}); the first training pass adds the
 * gradients. It takes a fraction of a second once per process.
 *
 * <p>Why: libtorch 2.7.1's oneDNN computes some kernels wrong on some CPUs, in one memory order or
 * the other. On AMD EPYC virtual machines whose hypervisor hides the cache sizes, its channels-last
 * 1x1 convolution is wrong or crashes (VisionZoo computes those as matrix products instead), and
 * its contiguous (blocked) 3x3 convolutions with channel counts that are not multiples of 16 give
 * wrong outputs or input gradients; the channels-last 3x3 kernels are right there. Comparing the
 * two orders with each other could not tell which one is wrong, hence the float64 reference.
 *
 * <p>What it decides: {@link MemoryFormat#AUTO} runs channels-last if every channels-last check
 * passed, else contiguous order if every contiguous check passed (one warning says so), else
 * channels-last with an error logged (no order is right: the results may be wrong). An explicit
 * order is always honoured, with one warning if it failed here. {@code zoo doctor} prints the whole
 * report.
 *
 * <p>Test seam: the system property {@value #INJECT_PROPERTY} makes a check fail on demand, so that
 * the fallback is tested on every host: {@code channels-last} or {@code contiguous}, optionally
 * followed by {@code :} and a kernel name as listed by {@link #kernels()} (default: the first),
 * replaces that kernel's result in that order with an error of 0.5. {@link #reset()} forgets the
 * cached reports.
 */
public final class KernelSelfCheck {

    /** The system property that makes a check fail on demand (tests). */
    public static final String INJECT_PROPERTY = "visionzoo.selfcheck.inject";

    /** The batch size of every check: faults seen so far need more than one image. */
    public static final int BATCH = 2;

    private static final Logger LOGGER = LoggerFactory.getLogger(KernelSelfCheck.class);

    /**
     * One case per kind of kernel the registered models run, with channel counts that are not
     * multiples of 16 where that matters (the faults above depend on it).
     */
    private static final List<KernelCase> DEFAULT_KERNELS = List.of(
            new KernelCase.Conv(24, 40, 1, 1, 0, 1, 1, false),
            new KernelCase.Conv(24, 40, 1, 2, 0, 1, 1, false),
            new KernelCase.Conv(24, 40, 1, 1, 0, 1, 1, true),
            new KernelCase.Conv(24, 24, 3, 1, 1, 1, 1, false),
            new KernelCase.Conv(48, 12, 3, 1, 1, 1, 1, false),
            new KernelCase.Conv(32, 48, 3, 2, 1, 1, 1, false),
            new KernelCase.Conv(24, 24, 3, 1, 1, 1, 1, true),
            new KernelCase.Conv(3, 16, 7, 2, 3, 1, 1, false),
            new KernelCase.Conv(3, 24, 3, 2, 1, 1, 1, false),
            new KernelCase.Conv(32, 32, 3, 1, 1, 1, 4, false),
            new KernelCase.Conv(24, 24, 3, 1, 1, 1, 24, false),
            new KernelCase.Conv(24, 24, 3, 2, 1, 1, 24, false),
            new KernelCase.Conv(40, 40, 5, 1, 2, 1, 40, false),
            new KernelCase.Conv(40, 40, 5, 2, 2, 1, 40, false),
            new KernelCase.MaxPool(24, 3, 2, 1),
            new KernelCase.AvgPool(24, 2, 2),
            new KernelCase.GlobalPool(40),
            new KernelCase.Norm(24));

    private static List<KernelCase> kernels = DEFAULT_KERNELS;
    private static Report forward;
    private static Report training;
    private static final Map<String, String> WARNED = new LinkedHashMap<>();

    private KernelSelfCheck() {}

    /**
     * The results of one run, both orders.
     *
     * @param results one per kernel and order (channels-last, then contiguous, for each kernel)
     * @param training whether gradients were compared (training passes)
     * @param took the wall time of the run
     */
    public record Report(List<KernelCase.Result> results, boolean training, Duration took) {

        /** Copies the list. */
        public Report {
            results = List.copyOf(results);
            Objects.requireNonNull(took, "took");
        }

        /**
         * Whether every kernel was right in the given order.
         *
         * @param channelsLast the order
         * @return true if nothing in that order mismatched
         */
        public boolean passed(boolean channelsLast) {
            return firstMismatch(channelsLast).isEmpty();
        }

        /**
         * The first kernel that was wrong in the given order.
         *
         * @param channelsLast the order
         * @return the result, if any
         */
        public Optional<KernelCase.Result> firstMismatch(boolean channelsLast) {
            return results.stream().filter(r -> r.channelsLast() == channelsLast && !r.ok()).findFirst();
        }
    }

    /**
     * The kernels checked, in order.
     *
     * @return the cases
     */
    public static synchronized List<KernelCase> kernels() {
        return kernels;
    }

    /**
     * Replaces the kernels checked (tests: a set that every host computes right, to test the
     * fallback where the default set finds a real fault), forgetting the cached reports.
     *
     * @param replacement the kernels, or null for the default set
     */
    static synchronized void useKernels(List<KernelCase> replacement) {
        kernels = replacement == null ? DEFAULT_KERNELS : List.copyOf(replacement);
        reset();
    }

    /**
     * Runs the check now in both orders (not cached), e.g. for a diagnosis.
     *
     * @param training whether to run training passes (batch statistics, gradients too)
     * @return the results
     */
    public static Report run(boolean training) {
        long start = System.nanoTime();
        List<KernelCase> checked = kernels();
        Injection injection = Injection.fromProperty(checked);
        List<KernelCase.Result> results = new ArrayList<>();
        for (KernelCase kernel : checked) {
            for (KernelCase.Result r : kernel.check(BATCH, training)) {
                results.add(injection.applies(r) ? new KernelCase.Result(kernel, BATCH, r.channelsLast(), training, 0.5, 0) : r);
            }
        }
        return new Report(results, training, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Whether a CPU pass runs channels-last, given the order asked for: runs the forward check at
     * the first call of the process and the training check at the first call with {@code
     * training}, decides with {@link #choose} and logs each warning once.
     *
     * @param requested the order asked for ({@link MemoryFormat#AUTO}: let the check decide)
     * @param training whether the pass will be differentiated
     * @return true for channels-last
     */
    static synchronized boolean channelsLastOnCpu(MemoryFormat requested, boolean training) {
        ensureReports(training);
        Choice choice = choose(requested, fault(true), fault(false));
        if (choice.message() != null && WARNED.putIfAbsent(choice.message(), choice.message()) == null) {
            if (choice.error()) {
                LOGGER.error(choice.message());
            } else {
                LOGGER.warn(choice.message());
            }
        }
        return choice.channelsLast();
    }

    /**
     * Whether every check of one order passed in this process (running the checks first if they
     * have not run yet).
     *
     * @param channelsLast the order
     * @param training whether the training checks count too (running them if needed)
     * @return true if that order computed every kernel right
     */
    public static synchronized boolean passed(boolean channelsLast, boolean training) {
        ensureReports(training);
        return fault(channelsLast).isEmpty();
    }

    /**
     * What a pass runs in, and what to say about it.
     *
     * @param channelsLast whether the pass runs channels-last
     * @param message a warning (or error) to log once, or null
     * @param error whether the message is an error: no order is right
     */
    record Choice(boolean channelsLast, String message, boolean error) {}

    /**
     * The decision, from the first fault found in each order: an explicit order is honoured (with a
     * warning if it failed); {@link MemoryFormat#AUTO} takes channels-last if it passed, else
     * contiguous if that passed (with a warning), else channels-last (with an error).
     *
     * @param requested the order asked for
     * @param clFault the first channels-last fault, if any
     * @param nchwFault the first contiguous fault, if any
     * @return the choice
     */
    static Choice choose(MemoryFormat requested, Optional<KernelCase.Result> clFault, Optional<KernelCase.Result> nchwFault) {
        return switch (requested) {
            case CHANNELS_LAST -> new Choice(true, clFault.map(r -> "VisionZoo: channels-last order was requested but this"
                    + " CPU computes " + describe(r) + " wrong in it. Details: `zoo doctor`.").orElse(null), false);
            case CONTIGUOUS -> new Choice(false, nchwFault.map(r -> "VisionZoo: contiguous order was requested but this"
                    + " CPU computes " + describe(r) + " wrong in it"
                    + (clFault.isEmpty() ? "; channels-last order (the default) is right here" : "")
                    + ". Details: `zoo doctor`.").orElse(null), false);
            case AUTO -> {
                if (clFault.isEmpty()) {
                    yield new Choice(true, null, false);
                }
                if (nchwFault.isEmpty()) {
                    yield new Choice(false, "VisionZoo: this CPU computes " + describe(clFault.get())
                            + " wrong in channels-last order: models run in contiguous NCHW order instead."
                            + " Details: `zoo doctor`; to choose the order yourself set "
                            + MemoryFormat.ENVIRONMENT + "=contiguous|channels-last.", false);
                }
                yield new Choice(true, "VisionZoo: this CPU computes " + describe(clFault.get())
                        + " wrong in channels-last order and " + describe(nchwFault.get())
                        + " wrong in contiguous order: results may be wrong. Details: `zoo doctor`.", true);
            }
        };
    }

    /**
     * The reports of this process's cached checks so far (empty before the first CPU pass).
     *
     * @return the forward report, then the training report if it ran
     */
    public static synchronized List<Report> cachedReports() {
        List<Report> reports = new ArrayList<>();
        if (forward != null) {
            reports.add(forward);
        }
        if (training != null) {
            reports.add(training);
        }
        return reports;
    }

    /**
     * The warnings and errors this process logged about memory orders, in order, each once.
     *
     * @return the messages
     */
    public static synchronized List<String> warnings() {
        return List.copyOf(WARNED.values());
    }

    /** Forgets the cached reports and warnings, so that the next pass checks again (tests). */
    public static synchronized void reset() {
        forward = null;
        training = null;
        WARNED.clear();
    }

    private static void ensureReports(boolean withTraining) {
        if (forward == null) {
            forward = run(false);
        }
        if (withTraining && training == null) {
            training = run(true);
        }
    }

    private static Optional<KernelCase.Result> fault(boolean channelsLast) {
        Optional<KernelCase.Result> r = forward.firstMismatch(channelsLast);
        return r.isPresent() || training == null ? r : training.firstMismatch(channelsLast);
    }

    private static String describe(KernelCase.Result r) {
        return String.format(Locale.ROOT, "%s (%s, error %.2g)", r.kernel(), r.training() ? "training" : "forward", r.error());
    }

    /** The parsed {@value #INJECT_PROPERTY}. */
    private record Injection(Boolean channelsLast, String kernel) {

        static Injection fromProperty(List<KernelCase> kernels) {
            String value = System.getProperty(INJECT_PROPERTY, "").strip();
            if (value.isEmpty()) {
                return new Injection(null, null);
            }
            int colon = value.indexOf(':');
            String order = colon < 0 ? value : value.substring(0, colon);
            boolean channelsLast = switch (MemoryFormat.parse(order, "system property " + INJECT_PROPERTY)) {
                case CHANNELS_LAST -> true;
                case CONTIGUOUS -> false;
                case AUTO -> throw new IllegalArgumentException(
                        "system property " + INJECT_PROPERTY + " names an order: channels-last or contiguous, got '" + value + "'");
            };
            String kernel = colon < 0 ? kernels.get(0).toString() : value.substring(colon + 1).strip();
            if (kernels.stream().noneMatch(k -> k.toString().equals(kernel))) {
                throw new IllegalArgumentException("system property " + INJECT_PROPERTY + " names no checked kernel: '"
                        + kernel + "'; kernels: " + kernels);
            }
            return new Injection(channelsLast, kernel);
        }

        boolean applies(KernelCase.Result r) {
            return channelsLast != null && channelsLast == r.channelsLast() && kernel.equals(r.kernel().toString());
        }
    }
}
