package org.visionzoo.core.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

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
}
