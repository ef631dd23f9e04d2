package org.visionzoo.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.model.Inference;
import org.visionzoo.core.model.MemoryFormat;
import org.visionzoo.core.model.Models;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What oneDNN is asked to compute when the models run channels-last, read from its own log
 * ({@code ONEDNN_VERBOSE=1}) in a child JVM that runs an evaluation pass and a training step of a
 * model of each family: no 1x1 convolution primitive at all (VisionZoo computes those as matrix
 * products, around oneDNN's channels-last 1x1 kernel, which is wrong or crashes on some CPUs), and
 * every other convolution, forward and backward, in channels-last layout ({@code acdb}): the whole
 * pass stays in the order it was asked for.
 */
class OneDnnPrimitivesTest {

    /** The batch size of the child's passes: the self-check's passes use 2, so its lines differ. */
    static final int BATCH = 3;

    private static final Pattern CONVOLUTION = Pattern.compile(
            "^onednn_verbose,(?:v1,)?primitive,exec,cpu,convolution,([^,]*),([^,]*),(.*),(\\S*mb" + BATCH + "_\\S*),[0-9.]+$");
    private static final Pattern ONE_BY_ONE = Pattern.compile("kh1s\\d+dh\\d+ph\\d+_.*kw1s\\d+dw\\d+pw\\d+");

    @Test
    void channelsLastPassesCreateNoOneByOneConvolutionAndStayChannelsLast() throws Exception {
        Path log = Files.createTempFile("onednn-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2",
                    Probe.class.getName())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("ONEDNN_VERBOSE", "1");
            pb.environment().put("OPT_OUT_TRACKING", "true");
            Process child = pb.start();
            assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("child finished").isTrue();
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            assertThat(child.exitValue()).as("child exit status; output:%n%s", tail(lines)).isZero();
            assertThat(lines).as("the child's oneDNN log").anyMatch(l -> l.contains("oneDNN v3."));

            List<String> convolutions = new ArrayList<>();
            List<String> oneByOne = new ArrayList<>();
            List<String> notChannelsLast = new ArrayList<>();
            for (String line : lines) {
                Matcher m = CONVOLUTION.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                convolutions.add(line);
                if (ONE_BY_ONE.matcher(m.group(4)).find()) {
                    oneByOne.add(line);
                }
                String src = m.group(3).replaceAll(".*src:f32:[a-z]*:blocked:([A-Za-z0-9]+).*", "$1");
                if (!src.equals("acdb") && !m.group(4).startsWith("g")) { // depthwise: a grouped layout
                    notChannelsLast.add(line);
                }
            }
            System.out.printf("oneDNN convolutions in the models' passes: %d%n", convolutions.size());
            assertThat(convolutions).as("convolutions in the models' passes").hasSizeGreaterThan(100);
            assertThat(convolutions).as("backward passes too").anyMatch(l -> l.contains("backward_data"))
                    .anyMatch(l -> l.contains("backward_weights"));
            assertThat(oneByOne).as("1x1 convolution primitives").isEmpty();
            assertThat(notChannelsLast).as("convolutions not in channels-last layout").isEmpty();
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String tail(List<String> lines) {
        return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The child: an evaluation pass and a training step of one model per family, channels-last. */
    public static final class Probe {

        private Probe() {}

        /**
         * Runs the passes.
         *
         * @param args unused
         */
        public static void main(String[] args) {
            for (String name : List.of("resnet50", "densenet121", "mobilenet_v3_large", "efficientnet_b0")) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    ImageClassifier model = Models.create(name, 10);
                    model.initialize(manager, 64);
                    model.memoryFormat(MemoryFormat.CHANNELS_LAST);
                    NDArray x = manager.randomNormal(new Shape(BATCH, 3, 64, 64));
                    Inference.logits(model, x).close();
                    try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                        NDArray y = model.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                        gc.backward(y.sum());
                    }
                }
            }
            System.out.println("probe done");
        }
    }
}
