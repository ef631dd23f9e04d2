package org.visionzoo.examples.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.visionzoo.examples.zoo.ZooTest.assertOneLineError;
import static org.visionzoo.examples.zoo.ZooTest.zoo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.visionzoo.core.model.ModelSpec;
import org.visionzoo.core.model.Models;
import org.visionzoo.examples.zoo.ZooTest.Result;

class ZooBenchTest {

    @Test
    void measuresEvalAndTrainAsJson() {
        for (boolean train : new boolean[] {false, true}) {
            Result r = train
                    ? zoo("bench", "--model", "resnet20", "--batch", 2, "--image-size", 32, "--iterations", 2,
                            "--warmup", 1, "--train", "--json")
                    : zoo("bench", "--model", "resnet20", "--batch", 2, "--image-size", 32, "--iterations", 2,
                            "--warmup", 1, "--json");
            assertThat(r.status()).as(r.err()).isZero();
            JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
            assertThat(o.get("images_per_second").getAsDouble()).isPositive();
            assertThat(o.get("peak_rss_mb").getAsDouble()).isGreaterThan(50);
            assertThat(o.get("ms_per_batch").getAsDouble()).isPositive();
            assertThat(o.get("mode").getAsString()).isEqualTo(train ? "train" : "eval");
        }
        Result contiguous = zoo("bench", "--model", "resnet20", "--batch", 2, "--image-size", 32, "--iterations", 1,
                "--warmup", 0, "--contiguous", "--json");
        assertThat(contiguous.status()).as(contiguous.err()).isZero();
        assertThat(JsonParser.parseString(contiguous.out()).getAsJsonObject().get("engine").getAsString())
                .contains("contiguous NCHW");
        Result text = zoo("bench", "--model", "resnet20", "--batch", 2, "--image-size", 32, "--iterations", 1,
                "--warmup", 0);
        assertThat(text.out()).contains("resnet20").contains("images/s").contains("peak RSS");
    }

    @Test
    void benchJsonWorksForEveryRegisteredModel() {
        java.util.List<ModelSpec> all = Models.list();
        assertThat(all).hasSizeGreaterThan(20);
        for (ModelSpec m : all) {
            Result r = zoo("bench", "--model", m.name(), "--batch", 1, "--image-size", 32, "--iterations", 1,
                    "--warmup", 0, "--json");
            assertThat(r.status()).as("%s: %s", m.name(), r.err()).isZero();
            JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
            assertThat(o.get("model").getAsString()).isEqualTo(m.name());
            assertThat(o.get("images_per_second").getAsDouble()).as(m.name()).isPositive();
            assertThat(o.get("peak_rss_mb").getAsDouble()).as(m.name()).isPositive();
        }
    }

    @Test
    void refusesBadOptions() {
        assertOneLineError(zoo("bench", "--model", "resnet20", "--batch", 0), 2, "--batch");
        assertOneLineError(zoo("bench", "--model", "nosuchnet"), 2, "nosuchnet");
    }
}
