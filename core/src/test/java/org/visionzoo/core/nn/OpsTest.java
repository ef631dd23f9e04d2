package org.visionzoo.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class OpsTest {

    @AutoClose private final NDManager manager = NDManager.newBaseManager();

    @Test
    void channelsLastKeepsShapeAndValuesAndLeavesTheInputOpen() {
        NDArray x = manager.arange(2 * 3 * 4 * 5f).reshape(2, 3, 4, 5);
        int before = manager.getManagedArrays().size();
        NDArray cl = Ops.channelsLast(x);
        assertThat(manager.getManagedArrays()).as("only the result is left").hasSize(before + 1);
        assertThat(cl.getShape()).isEqualTo(new Shape(2, 3, 4, 5));
        assertThat(cl.toFloatArray()).containsExactly(x.toFloatArray());
        assertThat(cl.getFloat(1, 2, 3, 4)).isEqualTo(x.getFloat(1, 2, 3, 4));
        assertThat(x.isReleased()).isFalse();
    }

    @Test
    void channelsLastRejectsArraysThatAreNotFourDimensional() {
        NDArray x = manager.zeros(new Shape(2, 3, 4));
        assertThatThrownBy(() -> Ops.channelsLast(x))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("channels-last order needs an (N, C, H, W) array, got shape (2, 3, 4)");
    }

    @Test
    void convolutionsGiveTheSameResultInBothOrders() {
        NDArray x = manager.randomNormal(new Shape(2, 5, 9, 7));
        NDArray w = manager.randomNormal(new Shape(6, 5, 3, 3));
        NDArray b = manager.randomNormal(new Shape(6));
        Shape one = new Shape(1, 1);
        NDArray expected = Conv2d.conv2d(x, w, b, new Shape(2, 2), one, one, 1).singletonOrThrow();
        NDArray actual = Conv2d.conv2d(Ops.channelsLast(x), w, b, new Shape(2, 2), one, one, 1).singletonOrThrow();
        assertThat(actual.getShape()).isEqualTo(expected.getShape());
        assertThat(actual.sub(expected).abs().max().getFloat()).isLessThan(1e-4f);
    }

    @Test
    void trainingBatchNormUpdatesTheSameRunningStatisticsInBothOrders() {
        NDArray x = manager.randomNormal(new Shape(8, 5, 6, 7)).mul(3f).add(2f);
        float[][] stats = new float[2][];
        for (int k = 0; k < 2; k++) {
            NDArray mean = manager.zeros(new Shape(5));
            NDArray var = manager.ones(new Shape(5));
            NDArray input = k == 0 ? x : Ops.channelsLast(x);
            BatchNorm.batchNorm(input, mean, var, manager.ones(new Shape(5)), manager.zeros(new Shape(5)), 1, 0.9f, 1e-5f, true);
            stats[k] = NDArrays.concat(new NDList(mean, var)).toFloatArray();
        }
        assertThat(stats[0][0]).isNotEqualTo(0f); // the statistics moved
        for (int i = 0; i < stats[0].length; i++) {
            assertThat(stats[1][i]).as("statistic %d", i).isCloseTo(stats[0][i], within(1e-5f));
        }
    }
}
