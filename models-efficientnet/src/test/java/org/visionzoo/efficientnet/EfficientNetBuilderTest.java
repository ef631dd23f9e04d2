package org.visionzoo.efficientnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.FusedMBConv;
import org.visionzoo.core.nn.InvertedResidual;
import org.visionzoo.core.nn.NamedBlock;
import org.visionzoo.core.weights.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** Builder, stage rows and scaling: validation, configurations, structure and module names. */
class EfficientNetBuilderTest {

    @Test
    void settersRejectBadValuesNamingFieldAndValue() {
        EfficientNet.Builder b = EfficientNet.builder();
        assertThatThrownBy(() -> b.widthMultiplier(0)).hasMessage("widthMultiplier must be > 0 and finite, got 0.0");
        assertThatThrownBy(() -> b.widthMultiplier(Double.NaN)).hasMessage("widthMultiplier must be > 0 and finite, got NaN");
        assertThatThrownBy(() -> b.depthMultiplier(-1)).hasMessage("depthMultiplier must be > 0 and finite, got -1.0");
        assertThatThrownBy(() -> b.depthMultiplier(Double.POSITIVE_INFINITY))
                .hasMessage("depthMultiplier must be > 0 and finite, got Infinity");
        assertThatThrownBy(() -> b.dropout(1)).hasMessage("dropout must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> b.dropout(-0.1)).hasMessage("dropout must be in [0, 1), got -0.1");
        assertThatThrownBy(() -> b.stochasticDepth(1.5)).hasMessage("stochasticDepth must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> b.stochasticDepth(Double.NaN)).hasMessage("stochasticDepth must be in [0, 1], got NaN");
        assertThatThrownBy(() -> b.numClasses(0)).hasMessage("numClasses must be >= 1, got 0");
        assertThatThrownBy(() -> b.inChannels(0)).hasMessage("inChannels must be >= 1, got 0");
        assertThatThrownBy(() -> b.lastChannels(0)).hasMessage("lastChannels must be >= 1, got 0");
        assertThatThrownBy(() -> b.normEps(0)).hasMessage("normEps must be > 0 and finite, got 0.0");
        assertThatThrownBy(() -> b.normMomentum(0)).hasMessage("normMomentum must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> b.normMomentum(1.5f)).hasMessage("normMomentum must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> b.stages(List.of())).hasMessage("stages must have at least 1 row, got []");
        assertThatThrownBy(() -> b.stages((List<Stage>) null)).hasMessage("stages must have at least 1 row, got null");
        assertThatThrownBy(() -> b.stages(new MBConvStage(1, 3, 1, 8, 8, 1), null))
                .hasMessage("stages[1] must not be null");
        assertThatThrownBy(() -> b.scaling(null)).isInstanceOf(NullPointerException.class).hasMessage("scaling");
        // a failed setter leaves the builder as it was
        assertThat(b.build().config()).isEqualTo(EfficientNetVariant.EFFICIENTNET_B0.builder().build().config());
    }

    @Test
    void stageRowsRejectBadValuesNamingFieldAndValue() {
        assertThatThrownBy(() -> new MBConvStage(0, 3, 1, 8, 8, 1)).hasMessage("expandRatio must be > 0 and finite, got 0.0");
        assertThatThrownBy(() -> new MBConvStage(6, 4, 1, 8, 8, 1)).hasMessage("kernel must be odd and >= 1, got 4");
        assertThatThrownBy(() -> new MBConvStage(6, 3, 3, 8, 8, 1)).hasMessage("stride must be 1 or 2, got 3");
        assertThatThrownBy(() -> new FusedMBConvStage(6, 3, 1, 0, 8, 1)).hasMessage("inChannels must be >= 1, got 0");
        assertThatThrownBy(() -> new FusedMBConvStage(6, 3, 1, 8, -2, 1)).hasMessage("outChannels must be >= 1, got -2");
        assertThatThrownBy(() -> new FusedMBConvStage(6, 3, 1, 8, 8, 0)).hasMessage("layers must be >= 1, got 0");
        assertThatThrownBy(() -> new MBConvStage(6, 3, 1, 8, 8, 1).scale(0, 1)).hasMessage("widthMultiplier must be > 0 and finite, got 0.0");
        assertThatThrownBy(() -> new MBConvStage(6, 3, 1, 8, 8, 1).scale(1, -1)).hasMessage("depthMultiplier must be > 0 and finite, got -1.0");
        assertThatThrownBy(() -> new MBConvStage(6, 3, 1, 8, 8, 1).scale(1e9, 1))
                .hasMessage("widthMultiplier 1.0E9 makes 8 channels 8000000000, more than 1048576");
    }

    @Test
    void scalingValidatesAndHoldsThePapersCoefficients() {
        assertThatThrownBy(() -> new Scaling(0, 1, 224, 0.2)).hasMessage("width must be > 0 and finite, got 0.0");
        assertThatThrownBy(() -> new Scaling(1, Double.NaN, 224, 0.2)).hasMessage("depth must be > 0 and finite, got NaN");
        assertThatThrownBy(() -> new Scaling(1, 1, 0, 0.2)).hasMessage("resolution must be >= 1, got 0");
        assertThatThrownBy(() -> new Scaling(1, 1, 224, 1)).hasMessage("dropout must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> Scaling.compound(-1, 0.2)).hasMessage("phi must be >= 0 and finite, got -1.0");
        assertThatThrownBy(() -> Scaling.b(8)).hasMessage("index must be in [0, 7], got 8");

        // width, depth, resolution, dropout of B0 ... B7 (the paper's reference implementation)
        double[][] table = {
            {1.0, 1.0, 224, 0.2}, {1.0, 1.1, 240, 0.2}, {1.1, 1.2, 260, 0.3}, {1.2, 1.4, 300, 0.3},
            {1.4, 1.8, 380, 0.4}, {1.6, 2.2, 456, 0.4}, {1.8, 2.6, 528, 0.5}, {2.0, 3.1, 600, 0.5}};
        List<Scaling> v1 = Scaling.efficientNetV1();
        assertThat(v1).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(v1.get(i)).isEqualTo(new Scaling(table[i][0], table[i][1], (int) table[i][2], table[i][3]));
            assertThat(Scaling.b(i)).isSameAs(v1.get(i));
        }
        assertThat(Scaling.B3.resolution()).isEqualTo(300);

        // equation 3: alpha^phi, beta^phi, gamma^phi; alpha * beta^2 * gamma^2 ~= 2
        assertThat(Scaling.compound(0, 0.2)).isEqualTo(Scaling.B0);
        Scaling phi2 = Scaling.compound(2, 0.3);
        assertThat(phi2.width()).isCloseTo(1.21, within(1e-12));
        assertThat(phi2.depth()).isCloseTo(1.44, within(1e-12));
        assertThat(phi2.resolution()).isEqualTo(296);
        assertThat(Scaling.ALPHA * Scaling.BETA * Scaling.BETA * Scaling.GAMMA * Scaling.GAMMA).isCloseTo(2.0, within(0.1));
        assertThat(Scaling.compound(3, 0.3).flopsFactor()).isCloseTo(Math.pow(1.92, 3), within(0.05));
        assertThat(Scaling.B0.flopsFactor()).isEqualTo(1.0);
    }

    @Test
    void scalingRoundsChannelsToEightAndLayersUpAsTorchvision() {
        // torchvision: _make_divisible(c * width, 8), ceil(n * depth)
        MBConvStage b0Stage3 = new MBConvStage(6, 5, 2, 24, 40, 2);
        assertThat(b0Stage3.scale(1.1, 1.2)).isEqualTo(new MBConvStage(6, 5, 2, 24, 48, 3));
        assertThat(b0Stage3.scale(2.0, 3.1)).isEqualTo(new MBConvStage(6, 5, 2, 48, 80, 7));
        // 40 * 1.1 = 44 rounds up to 48; 3 * 1.4 = 4.199999... rounds up to 5
        assertThat(new MBConvStage(6, 3, 2, 40, 80, 3).scale(1.2, 1.4)).isEqualTo(new MBConvStage(6, 3, 2, 48, 96, 5));
        // MBConv rows are rounded to multiples of 8 at width 1 too, Fused-MBConv rows are kept
        assertThat(new MBConvStage(4, 3, 1, 20, 20, 1).scale(1, 1)).isEqualTo(new MBConvStage(4, 3, 1, 24, 24, 1));
        assertThat(new FusedMBConvStage(4, 3, 1, 20, 20, 1).scale(1, 1)).isEqualTo(new FusedMBConvStage(4, 3, 1, 20, 20, 1));
        assertThat(new FusedMBConvStage(4, 3, 1, 24, 48, 2).scale(1.5, 1.5)).isEqualTo(new FusedMBConvStage(4, 3, 1, 40, 72, 3));
        assertThat(new MBConvStage(6, 3, 1, 80, 112, 3).expandedChannels(80)).isEqualTo(480);
        assertThat(new FusedMBConvStage(4, 3, 2, 24, 48, 4).expandedChannels(24)).isEqualTo(96);
        assertThat(new MBConvStage(1, 3, 1, 32, 16, 1).expandedChannels(32)).isEqualTo(32);
    }

    @Test
    void buildRejectsATableWhoseRowsDoNotChain() {
        assertThatThrownBy(() -> EfficientNet.builder().stages(new MBConvStage(1, 3, 1, 16, 16, 1), new MBConvStage(6, 3, 2, 24, 32, 1)).build())
                .hasMessage("stages[1].inChannels (24) must equal stages[0].outChannels (16)");
        // rows that chain as written but not after rounding: 20 stays 20 in the fused row, becomes 24 in the MBConv row
        assertThatThrownBy(() -> EfficientNet.builder().stages(new FusedMBConvStage(1, 3, 1, 20, 20, 1), new MBConvStage(6, 3, 2, 20, 32, 1)).build())
                .hasMessage("stages[1].inChannels (24) must equal stages[0].outChannels (20)");
        // 16 * 1.3 rounds to 24, 24 * 1.3 to 32
        assertThatThrownBy(() -> EfficientNet.builder().stages(new FusedMBConvStage(1, 3, 1, 16, 16, 1), new MBConvStage(6, 3, 2, 24, 32, 1)).widthMultiplier(1.3).build())
                .hasMessage("stages[1].inChannels (32) must equal stages[0].outChannels (24) after scaling by widthMultiplier 1.3");
    }

    @Test
    void theBriefsBuilderChainBuildsB2sArchitecture() {
        EfficientNet built = EfficientNet.builder().widthMultiplier(1.1).depthMultiplier(1.2).dropout(0.3).stochasticDepth(0.2).numClasses(10).build();
        assertThat(built.config()).isEqualTo(EfficientNetVariant.EFFICIENTNET_B2.builder().numClasses(10).build().config());
        assertThat(built.numClasses()).isEqualTo(10);
        assertThat(EfficientNet.builder().scaling(Scaling.B2).numClasses(10).build().config()).isEqualTo(built.config());
        // the same with any table: a two-row network
        EfficientNet mine = EfficientNet.builder()
                .stages(new FusedMBConvStage(1, 3, 1, 16, 16, 1), new MBConvStage(4, 3, 2, 16, 32, 2))
                .lastChannels(256).inChannels(1).numClasses(7).build();
        assertThat(mine.config().stemChannels()).isEqualTo(16);
        assertThat(mine.config().totalBlocks()).isEqualTo(3);
        assertThat(mine.featureDim()).isEqualTo(256);
        assertThat(mine.inChannels()).isEqualTo(1);
        assertThat(names(mine.child("features"))).containsExactly("0", "1", "2", "3");
    }

    @Test
    void variantsScaleB0sTableAsTorchvision() {
        // stem channels, blocks, last-conv channels: torchvision's features.0.0, sum of stage lengths, features[-1]
        int[][] expected = {
            {32, 16, 1280}, {32, 23, 1280}, {32, 23, 1408}, {40, 26, 1536}, {48, 32, 1792}, {48, 39, 2048},
            {56, 45, 2304}, {64, 55, 2560}, {24, 40, 1280}, {24, 57, 1280}, {32, 79, 1280}};
        for (EfficientNetVariant v : EfficientNetVariant.values()) {
            EfficientNet.Config c = v.builder().build().config();
            int[] e = expected[v.ordinal()];
            assertThat(new int[] {c.stemChannels(), c.totalBlocks(), c.numFeatures()}).as(v.modelName()).containsExactly(e);
        }
        List<Stage> b7 = EfficientNetVariant.EFFICIENTNET_B7.builder().build().config().scaledStages();
        assertThat(b7).extracting(Stage::layers).containsExactly(4, 7, 7, 10, 10, 13, 4);
        assertThat(b7).extracting(Stage::outChannels).containsExactly(32, 48, 80, 160, 224, 384, 640);
    }

    @Test
    void configIsImmutableAndToBuilderRoundTrips() {
        EfficientNet d = EfficientNetVariant.EFFICIENTNET_V2_S.builder().numClasses(10).build();
        assertThat(d.toBuilder().build().config()).isEqualTo(d.config());
        assertThat(d.config().lastChannels()).isEqualTo(OptionalInt.of(1280));
        assertThat(d.toBuilder().defaultLastChannels().build().featureDim()).isEqualTo(4 * 256);
        assertThat(d.toBuilder().dropout(0.5).build().config().dropout()).isEqualTo(0.5);
        assertThatThrownBy(() -> d.config().stages().add(new MBConvStage(1, 3, 1, 8, 8, 1)))
                .isInstanceOf(UnsupportedOperationException.class);
        List<Stage> mutable = new ArrayList<>(StageTables.EFFICIENTNET_V1);
        EfficientNet.Builder b = EfficientNet.builder().stages(mutable);
        mutable.clear();
        assertThat(b.build().config().stages()).isEqualTo(StageTables.EFFICIENTNET_V1);
        assertThat(d.config().toString()).contains("FusedMBConvStage[expandRatio=1.0, kernel=3, stride=1, inChannels=24");
    }

    @ParameterizedTest
    @EnumSource(EfficientNetVariant.class)
    void batchNormSettingsAreTorchvisionsPerVariant(EfficientNetVariant v) {
        // torchvision: nn.BatchNorm2d for B0-B4, eps=0.001 momentum=0.01 for B5-B7, eps=1e-3 for V2
        float eps = v.isV2() || v.ordinal() >= EfficientNetVariant.EFFICIENTNET_B5.ordinal() ? 1e-3f : 1e-5f;
        float momentum = !v.isV2() && v.ordinal() >= EfficientNetVariant.EFFICIENTNET_B5.ordinal() ? 0.01f : 0.1f;
        EfficientNet model = v.builder().build();
        List<BatchNorm2d> norms = new ArrayList<>();
        collect(model, BatchNorm2d.class, norms);
        assertThat(norms).isNotEmpty();
        assertThat(norms).allSatisfy(n -> {
            assertThat(n.eps()).isEqualTo(eps);
            assertThat(n.momentum()).isEqualTo(momentum);
        });
        assertThat(v.normEps()).isEqualTo(eps);
        assertThat(v.normMomentum()).isEqualTo(momentum);
    }

    @Test
    void stochasticDepthGrowsLinearlyWithTheBlockIndex() {
        for (EfficientNetVariant v : List.of(EfficientNetVariant.EFFICIENTNET_B0, EfficientNetVariant.EFFICIENTNET_V2_S)) {
            EfficientNet model = v.builder().stochasticDepth(0.3).build();
            List<Float> probabilities = blockStochasticDepths(model);
            int n = model.config().totalBlocks();
            assertThat(probabilities).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(probabilities.get(i)).as("block %d of %s", i, v).isEqualTo((float) (0.3 * i / n));
            }
        }
    }

    @Test
    void blocksAreMBConvWithSqueezeExcitationOrFusedMBConvAsTorchvision() {
        EfficientNet v2s = EfficientNetVariant.EFFICIENTNET_V2_S.builder().build();
        NamedBlock features = (NamedBlock) v2s.child("features");
        assertThat(names(features)).containsExactly("0", "1", "2", "3", "4", "5", "6", "7");
        // stage 1: Fused-MBConv1 24 -> 24, two residual blocks; stage 2: Fused-MBConv4, 24 -> 48
        FusedMBConv f10 = (FusedMBConv) ((NamedBlock) features.child("1")).child("0");
        assertThat(f10.config()).isEqualTo(new FusedMBConv.Config(24, 24, 24, 3, 1, org.visionzoo.core.nn.Activation.SILU, 1e-3f, 0.1f, 0f));
        assertThat(f10.hasResidual()).isTrue();
        FusedMBConv f20 = (FusedMBConv) ((NamedBlock) features.child("2")).child("0");
        assertThat(f20.config().expandedChannels()).isEqualTo(96);
        assertThat(f20.hasResidual()).isFalse();
        // stage 4: MBConv4 64 -> 128 with SE squeezing to 64 / 4 = 16
        InvertedResidual m40 = (InvertedResidual) ((NamedBlock) features.child("4")).child("0");
        InvertedResidual.Config c = m40.config();
        assertThat(new int[] {c.inChannels(), c.expandedChannels(), c.outChannels(), c.kernel(), c.stride(), c.dilation()})
                .containsExactly(64, 256, 128, 3, 2, 1);
        assertThat(c.squeeze()).isEqualTo(new InvertedResidual.Squeeze(16, org.visionzoo.core.nn.Activation.SILU, org.visionzoo.core.nn.Activation.SIGMOID));
        assertThat(c.layout()).isEqualTo(InvertedResidual.Layout.BLOCK);
        // B0's first block: no expansion (ratio 1), squeeze max(1, 32 // 4) = 8
        InvertedResidual b0First = (InvertedResidual) ((NamedBlock) ((NamedBlock) EfficientNetVariant.EFFICIENTNET_B0.builder().build().child("features")).child("1")).child("0");
        assertThat(b0First.config().expandedChannels()).isEqualTo(32);
        assertThat(b0First.config().squeeze().channels()).isEqualTo(8);
        assertThat(names(b0First.child("block"))).containsExactly("0", "1", "2");
    }

    @Test
    void stateDictKeysAreTorchvisions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            EfficientNet model = EfficientNet.builder()
                    .stages(new FusedMBConvStage(4, 3, 2, 8, 16, 1), new MBConvStage(6, 3, 1, 16, 16, 1))
                    .lastChannels(32).numClasses(3).build();
            model.initialize(manager, 32);
            List<String> keys = new ArrayList<>(StateDict.parameters(model).keySet());
            List<String> expected = new ArrayList<>();
            bn(expected, "features.0", true);
            bn(expected, "features.1.0.block.0", true);
            bn(expected, "features.1.0.block.1", true);
            bn(expected, "features.2.0.block.0", true);
            bn(expected, "features.2.0.block.1", true);
            expected.addAll(List.of("features.2.0.block.2.fc1.weight", "features.2.0.block.2.fc1.bias",
                    "features.2.0.block.2.fc2.weight", "features.2.0.block.2.fc2.bias"));
            bn(expected, "features.2.0.block.3", true);
            bn(expected, "features.3", true);
            expected.addAll(List.of("classifier.1.weight", "classifier.1.bias"));
            assertThat(keys).containsExactlyElementsOf(expected);
        }
    }

    private static void bn(List<String> keys, String prefix, boolean conv) {
        if (conv) {
            keys.add(prefix + ".0.weight");
        }
        for (String s : List.of("weight", "bias", "running_mean", "running_var")) {
            keys.add(prefix + ".1." + s);
        }
    }

    static List<Float> blockStochasticDepths(EfficientNet model) {
        List<Float> out = new ArrayList<>();
        List<Map.Entry<String, Block>> stages = NamedBlock.namedChildren(model.child("features"));
        for (Map.Entry<String, Block> stage : stages.subList(1, stages.size() - 1)) {
            for (Map.Entry<String, Block> block : NamedBlock.namedChildren(stage.getValue())) {
                Block b = block.getValue();
                out.add(b instanceof InvertedResidual ir ? ir.config().stochasticDepth()
                        : ((FusedMBConv) b).config().stochasticDepth());
            }
        }
        return out;
    }

    static int count(Block block, Class<?> type) {
        List<Object> found = new ArrayList<>();
        collect(block, Object.class, found);
        return (int) found.stream().filter(type::isInstance).count();
    }

    private static <T> void collect(Block block, Class<T> type, List<T> out) {
        if (type.isInstance(block)) {
            out.add(type.cast(block));
        }
        for (Map.Entry<String, Block> child : NamedBlock.namedChildren(block)) {
            collect(child.getValue(), type, out);
        }
    }

    static List<String> names(Block block) {
        return NamedBlock.namedChildren(block).stream().map(Map.Entry::getKey).toList();
    }
}
