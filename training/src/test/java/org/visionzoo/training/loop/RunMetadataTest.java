package org.visionzoo.training.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

class RunMetadataTest {

    @Test
    void readsTheInfoCheckpointsHaveAlwaysHad() {
        Map<String, String> info = Map.of("model", "resnet20", "dataset", "fashion-mnist", "num_classes", "10",
                "in_channels", "1", "image_size", "28", "option.--lr", "0.1", "option.--epochs", "2");
        RunMetadata m = RunMetadata.fromInfo(info).orElseThrow();
        assertThat(m.model()).isEqualTo("resnet20");
        assertThat(m.numClasses()).isEqualTo(10);
        assertThat(m.inChannels()).isEqualTo(1);
        assertThat(m.imageSize()).isEqualTo(28);
        assertThat(m.options()).containsEntry("--lr", "0.1").containsEntry("--epochs", "2");
        assertThat(m.toInfo()).isEqualTo(info);
        assertThat(RunMetadata.fromInfo(Map.of())).isEmpty();
        // what the TrainFashionMnist example wrote before it recorded the class count
        RunMetadata older = RunMetadata.fromInfo(Map.of("model", "resnet20", "dataset", "fashion-mnist",
                "in_channels", "1", "image_size", "28")).orElseThrow();
        assertThat(older.numClasses()).isZero();
        assertThat(older.imageSize()).isEqualTo(28);
    }

    @Test
    void listsChangedOptionsAndNamesBadEntries() {
        Map<String, String> then = new LinkedHashMap<>();
        then.put("--lr", "0.1");
        then.put("--epochs", "2");
        RunMetadata m = new RunMetadata("resnet20", "mnist", 10, 1, 28, then);
        Map<String, String> now = new LinkedHashMap<>();
        now.put("--lr", "0.2");
        now.put("--epochs", "2");
        now.put("--new-option", "x");
        assertThat(m.differences(now)).containsExactly("--lr 0.2 (the run's: 0.1)");
        assertThatThrownBy(() -> RunMetadata.fromInfo(Map.of("model", "m", "dataset", "d", "num_classes", "ten",
                "in_channels", "1", "image_size", "28"))).hasMessageContaining("num_classes 'ten'");
        assertThatThrownBy(() -> RunMetadata.fromInfo(Map.of("model", "m"))).hasMessageContaining("'dataset'");
    }
}
