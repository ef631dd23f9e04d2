package org.visionzoo.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.visionzoo.core.weights.Weights;

class BatchNormFoldingTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(7);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** conv (no bias) + bn + relu, depthwise conv + bn, conv with bias + bn: every kind of pair. */
    private Sequential net() {
        Sequential s = new Sequential();
        s.add(Layers.conv(6, 3, 2, 1, 1, 1, false));
        s.add(new BatchNorm2d());
        s.add(new ActivationBlock(Activation.RELU));
        s.add(Layers.conv(6, 3, 1, 1, 6, 1, false));
        s.add(new BatchNorm2d(1e-3f, 0.01f));
        s.add(Layers.conv(5, 1, 1, 0, 1, 1, true));
        s.add(new BatchNorm2d());
        s.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 9, 9));
        randomizeBatchNorms(s);
        return s;
    }

    private void randomizeBatchNorms(Block block) {
        for (var p : block.getParameters()) {
            Parameter param = p.getValue();
            NDArray a = param.getArray();
            Shape shape = a.getShape();
            NDArray value = switch (param.getType()) {
                case RUNNING_VAR -> manager.randomUniform(0.2f, 2f, shape);
                case GAMMA -> manager.randomUniform(0.5f, 1.5f, shape);
                case WEIGHT -> a.duplicate();
                default -> manager.randomNormal(0f, 0.5f, shape, DataType.FLOAT32);
            };
            a.set(value.toFloatArray());
        }
    }

    private static NDArray eval(Block b, NDArray x) {
        return b.forward(new ParameterStore(x.getManager(), false), new NDList(x), false).singletonOrThrow();
    }

    @Test
    void foldedSequentialGivesTheSameOutput() {
        Sequential s = net();
        NDArray x = manager.randomNormal(new Shape(2, 3, 9, 9));
        float[] before = eval(s, x).toFloatArray();

        assertThat(BatchNormFolding.fold(s)).isEqualTo(3);
        assertThat(BatchNormFolding.isFolded(s)).isTrue();
        float[] after = eval(s, x).toFloatArray();

        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.length; i++) {
            assertThat(Math.abs(after[i] - before[i]))
                    .as("element %d: %s vs %s", i, after[i], before[i])
                    .isLessThanOrEqualTo(1e-5f + 1e-5f * Math.abs(before[i]));
        }
        assertThat(BatchNormFolding.fold(s)).as("folding twice folds nothing more").isZero();
        assertThat(eval(s, x).toFloatArray()).containsExactly(after);
    }

    @Test
    void aFoldedModelRefusesTrainingExportAndLoading() {
        Sequential s = net();
        BatchNormFolding.fold(s);
        NDArray x = manager.randomNormal(new Shape(2, 3, 9, 9));
        assertThatThrownBy(() -> s.forward(new ParameterStore(manager, false), new NDList(x), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("optimized for inference");
        assertThatThrownBy(() -> Weights.stateDict(s))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("export its weights");
    }

    @Test
    void anUnfoldedModelIsUntouched() {
        Sequential s = net();
        assertThat(BatchNormFolding.isFolded(s)).isFalse();
        assertThat(Weights.stateDict(s)).isNotEmpty();
    }

    @Test
    void onlyDeclaredPairsAreFolded() {
        // A custom block that applies bn to something else than the conv's output declares nothing.
        Custom undeclared = new Custom(false);
        undeclared.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 5, 5));
        assertThat(BatchNormFolding.fold(undeclared)).isZero();

        Custom declared = new Custom(true);
        declared.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 5, 5));
        assertThat(BatchNormFolding.fold(declared)).isEqualTo(1);
    }

    @Test
    void aDeclaredPairOfTheWrongKindsIsReported() {
        Sequential inner = new Sequential();
        inner.add(Layers.conv(4, 1, 1, 1));
        NamedBlock wrong = new NamedBlock() {
            {
                add("conv", new BatchNorm2d());
                add("bn", new BatchNorm2d());
            }

            @Override
            protected List<BatchNormFolding.Pair> foldableBatchNorms() {
                return List.of(new BatchNormFolding.Pair("conv", "bn"));
            }

            @Override
            protected NDList forwardInternal(
                    ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
                return inputs;
            }

            @Override
            public Shape[] getOutputShapes(Shape[] inputShapes) {
                return inputShapes;
            }

            @Override
            protected void initializeChildBlocks(NDManager m, DataType t, Shape... shapes) {
                child("conv").initialize(m, t, shapes);
                child("bn").initialize(m, t, shapes);
            }
        };
        wrong.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 3, 3));
        assertThatThrownBy(() -> BatchNormFolding.fold(wrong))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(".conv is not a convolution made by Layers.conv");
        assertThatThrownBy(() -> BatchNormFolding.fold(new Sequential().add(Layers.conv(2, 1, 1, 1))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("initialize");
    }

    /** conv then bn, with the bn declared foldable or not. */
    private static final class Custom extends NamedBlock {
        private final boolean declare;
        private final Block conv = add("conv", Layers.conv(4, 3, 1, 1));
        private final Block bn = add("bn", new BatchNorm2d());

        Custom(boolean declare) {
            this.declare = declare;
        }

        @Override
        protected List<BatchNormFolding.Pair> foldableBatchNorms() {
            return declare ? List.of(new BatchNormFolding.Pair("conv", "bn")) : List.of();
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(applyChain(ps, inputs.singletonOrThrow(), training, conv, bn));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return chainShapes(inputShapes, conv, bn);
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType t, Shape... shapes) {
            initializeChain(m, t, shapes, conv, bn);
        }
    }
}
