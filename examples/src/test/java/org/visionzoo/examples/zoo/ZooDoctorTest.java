package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.visionzoo.core.io.Npy;
import org.visionzoo.core.io.TensorData;
import org.visionzoo.core.model.KernelSelfCheck;
import org.visionzoo.core.model.MemoryFormat;
import org.visionzoo.core.testing.Tolerance;

import java.io.IOException;
import java.nio.file.Path;

/** {@code zoo doctor} and the {@code --contiguous} way out of the default memory order. */
class ZooDoctorTest {

    @TempDir Path tmp;

    @BeforeEach
    @AfterEach
    void fresh() {
        System.clearProperty(KernelSelfCheck.INJECT_PROPERTY);
        System.clearProperty(MemoryFormat.PROPERTY);
        KernelSelfCheck.reset();
    }

    @Test
    void doctorDescribesTheMachineAndPassesWhereTheChosenOrderIsRight() {
        ZooTest.Result r = ZooTest.zoo("doctor", "--json");
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject cpu = o.getAsJsonObject("cpu");
        assertThat(cpu.get("model").getAsString()).isNotBlank();
        assertThat(cpu.get("cores").getAsInt()).isPositive();
        assertThat(cpu.getAsJsonArray("flags")).isNotEmpty();
        assertThat(cpu.has("caches")).isTrue();
        JsonObject libs = o.getAsJsonObject("libraries");
        assertThat(libs.get("onednn").getAsString()).startsWith("oneDNN v3.");
        assertThat(libs.get("onednn_isa").getAsString()).startsWith("isa: ");
        assertThat(libs.get("blas").getAsString()).containsIgnoringCase("MKL");
        assertThat(libs.get("engine").getAsString()).contains("PyTorch", "2.7.1");
        assertThat(o.getAsJsonObject("threads").get("intra_op").getAsString()).isEqualTo("2");

        JsonObject forward = o.getAsJsonObject("self_check").getAsJsonObject("forward");
        assertThat(forward.getAsJsonArray("results")).hasSize(2 * KernelSelfCheck.kernels().size());
        JsonObject training = o.getAsJsonObject("self_check").getAsJsonObject("training");
        boolean channelsLastRight = forward.get("channels_last_ok").getAsBoolean() && training.get("channels_last_ok").getAsBoolean();
        boolean contiguousRight = forward.get("contiguous_ok").getAsBoolean() && training.get("contiguous_ok").getAsBoolean();
        String evaluation = o.getAsJsonObject("memory_order").get("evaluation").getAsString();
        assertThat(evaluation).isEqualTo(forward.get("channels_last_ok").getAsBoolean() || !forward.get("contiguous_ok").getAsBoolean()
                ? "channels-last" : "contiguous");
        assertThat(r.status()).as("exit status; stderr %s", r.err()).isEqualTo(channelsLastRight || contiguousRight ? 0 : 1);
        assertThat(o.get("ok").getAsBoolean()).isEqualTo(r.status() == 0);

        assertThat(o.getAsJsonArray("onednn_channels_last_1x1")).isNotEmpty().allSatisfy(row ->
                assertThat(row.getAsJsonObject().get("result").getAsString()).matches("(right|WRONG|killed the process).*"));
    }

    @Test
    void aFaultInTheRequestedOrderMakesDoctorFail() {
        System.setProperty(MemoryFormat.PROPERTY, "channels-last");
        System.setProperty(KernelSelfCheck.INJECT_PROPERTY, "channels-last");
        ZooTest.Result r = ZooTest.zoo("doctor");
        assertThat(r.status()).as("stdout %s", r.out()).isEqualTo(1);
        assertThat(r.out()).contains("memory order: channels-last for evaluation, channels-last for training",
                "result: FAULT", "WRONG 5.0e-01");
    }

    @Test
    void anInjectedChannelsLastFaultSwitchesAutoToContiguousWhereThatIsRight() {
        System.setProperty(KernelSelfCheck.INJECT_PROPERTY, "channels-last");
        ZooTest.Result r = ZooTest.zoo("doctor", "--json");
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject forward = o.getAsJsonObject("self_check").getAsJsonObject("forward");
        assertThat(forward.get("channels_last_ok").getAsBoolean()).isFalse();
        boolean contiguousRight = forward.get("contiguous_ok").getAsBoolean()
                && o.getAsJsonObject("self_check").getAsJsonObject("training").get("contiguous_ok").getAsBoolean();
        // Where contiguous order is right, models switch to it; where it is not either, they
        // stay channels-last and doctor reports the fault.
        assertThat(o.getAsJsonObject("memory_order").get("evaluation").getAsString())
                .isEqualTo(forward.get("contiguous_ok").getAsBoolean() ? "contiguous" : "channels-last");
        assertThat(r.status()).isEqualTo(contiguousRight ? 0 : 1);
        assertThat(KernelSelfCheck.warnings()).singleElement().asString()
                .contains(contiguousRight ? "models run in contiguous NCHW order instead" : "results may be wrong");
    }

    @Test
    void anInvalidSettingIsAUsageError() {
        System.setProperty(MemoryFormat.PROPERTY, "sideways");
        ZooTest.assertOneLineError(ZooTest.zoo("doctor"), 2, "visionzoo.memoryFormat must be auto, channels-last or contiguous");
    }

    @ParameterizedTest
    @ValueSource(strings = {"forward", "train", "eval", "predict", "bench", "demo"})
    void everyCommandThatRunsAModelTakesContiguous(String command) {
        assertThat(Zoo.commandLine().getSubcommands().get(command).getCommandSpec().findOption("--contiguous"))
                .as("%s --contiguous", command).isNotNull();
    }

    @Test
    void forwardWithContiguousGivesTheDefaultOrdersLogitsWhereThatOrderIsRight() throws IOException {
        Path weights = tmp.resolve("w.safetensors");
        assertThat(ZooTest.zoo("export", "--model", "resnet20", "--seed", "3", "--output", weights).status()).isZero();
        Path input = tmp.resolve("x.npy");
        Npy.write(input, TensorData.ofFloats("x", new long[] {4, 3, 32, 32}, ZooTest.randomFloats(4 * 3 * 32 * 32, 7)));
        Path byDefault = tmp.resolve("default.npy");
        Path contiguous = tmp.resolve("contiguous.npy");
        assertThat(ZooTest.zoo("forward", "--model", "resnet20", "--weights", weights, "--input", input, "--output", byDefault)
                .status()).isZero();
        ZooTest.Result r = ZooTest.zoo("forward", "--model", "resnet20", "--weights", weights, "--input", input,
                "--output", contiguous, "--contiguous");
        assertThat(r.status()).as("stderr %s", r.err()).isZero();
        if (KernelSelfCheck.passed(false, false)) {
            Tolerance.assertAllClose(Npy.read(contiguous).toFloatArray(), Npy.read(byDefault).toFloatArray(), 1e-5, 1e-4);
        } else {
            assertThat(KernelSelfCheck.warnings()).anyMatch(w -> w.contains("contiguous order was requested"));
        }
    }
}
