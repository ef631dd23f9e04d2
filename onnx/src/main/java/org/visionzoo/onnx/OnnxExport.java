package org.visionzoo.onnx;

import org.visionzoo.core.io.AtomicFile;
import org.visionzoo.core.model.ImageClassifier;
import org.visionzoo.core.nn.BatchNormFolding;
import org.visionzoo.onnx.proto.OnnxProto.GraphProto;
import org.visionzoo.onnx.proto.OnnxProto.ModelProto;
import org.visionzoo.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.visionzoo.onnx.proto.OnnxProto.StringStringEntryProto;
import org.visionzoo.onnx.proto.OnnxProto.TensorProto;
import org.visionzoo.onnx.proto.OnnxProto.TensorShapeProto;
import org.visionzoo.onnx.proto.OnnxProto.TypeProto;
import org.visionzoo.onnx.proto.OnnxProto.ValueInfoProto;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a VisionZoo model as an ONNX model, built from the model's own blocks (not traced): each
 * block class has a {@link BlockConverter} ({@link BlockConverters#standard()}), which emits the
 * operators of its evaluation-mode forward pass with plain NCHW semantics.
 *
 * <ul>
 *   <li><b>Operators:</b> Conv (groups, dilation), BatchNormalization (folded into the Conv before
 *       it by default), Relu, Clip (ReLU6), HardSigmoid, HardSwish, Sigmoid and Mul (SiLU, the
 *       squeeze-excitation scale), Add, MaxPool, AveragePool, GlobalAveragePool, Concat, Slice and
 *       Pad (the CIFAR ResNets' shortcut), Flatten, Gemm. Dropout and stochastic depth vanish.
 *   <li><b>Opsets</b> {@value #MIN_OPSET} to {@value #MAX_OPSET}, {@value #DEFAULT_OPSET} by
 *       default (IR version {@value #IR_VERSION}); each of these operators has the same semantics
 *       over that range.
 *   <li><b>Input</b> {@code input}: float32 {@code (batch, C, H, W)}, the batch dimension dynamic
 *       (and H, W too unless {@link Options#fixedImageSize} fixes them); <b>output</b> {@code logits}:
 *       float32 {@code (batch, classes)}.
 *   <li><b>Metadata</b> properties: {@code visionzoo.model}, {@code visionzoo.num_classes} and, when
 *       given, {@code visionzoo.labels} (one per line), {@code visionzoo.image_size}, {@code
 *       visionzoo.resize}, {@code visionzoo.mean}, {@code visionzoo.std} (comma-separated).
 *   <li><b>Large models:</b> when the weights exceed {@value #EXTERNAL_THRESHOLD_BYTES} bytes (or
 *       when asked), they go to ONNX external data, a file {@code <model file>.data} beside the
 *       model, instead of failing at protobuf's 2 GB limit.
 * </ul>
 *
 * <pre>{@code
 * ImageClassifier net = Models.create("resnet50");
 * net.initialize(manager, 224);
 * Weights.load(net, Path.of("resnet50.safetensors"));
 * OnnxExport.write(net, Path.of("resnet50.onnx"), OnnxExport.Options.defaults().withModelName("resnet50"));
 * }</pre>
 */
public final class OnnxExport {

    /** The lowest supported opset (HardSwish appears in opset 14). */
    public static final int MIN_OPSET = 14;

    /** The highest supported opset: the newest the ONNX 1.12 checker the tests use knows. */
    public static final int MAX_OPSET = 17;

    /** The default opset. */
    public static final int DEFAULT_OPSET = 17;

    /** The IR version written (ONNX 1.12). */
    public static final int IR_VERSION = 8;

    /** Weights larger than this go to external data when {@link ExternalData#AUTO}. */
    public static final long EXTERNAL_THRESHOLD_BYTES = 1L << 30;

    /** Where the weights are stored. */
    public enum ExternalData {
        /** Inside the model file, unless they exceed {@link #EXTERNAL_THRESHOLD_BYTES}. */
        AUTO,
        /** Always in a separate {@code .data} file. */
        ALWAYS,
        /** Always inside the model file (fails for weights above protobuf's 2 GB limit). */
        NEVER
    }

    /**
     * What to export besides the graph. Immutable: start from {@link #defaults()}.
     *
     * @param opset the opset, {@value #MIN_OPSET} to {@value #MAX_OPSET}
     * @param foldBatchNorms whether batch norms that follow a convolution are folded into it
     * @param modelName the {@code visionzoo.model} property and graph name
     * @param imageSize the input height and width the model expects (metadata), or 0 if unknown
     * @param fixedImageSize whether the graph's input height and width are fixed to {@code imageSize}
     *     (otherwise they are dynamic)
     * @param resize the evaluation resize of the shorter side, or 0 if unknown
     * @param mean per-channel normalisation mean, or null if unknown
     * @param std per-channel normalisation standard deviation, or null if unknown
     * @param labels the class labels, one per class, or null if unknown
     * @param externalData where the weights go
     */
    public record Options(
            int opset,
            boolean foldBatchNorms,
            String modelName,
            int imageSize,
            boolean fixedImageSize,
            int resize,
            float[] mean,
            float[] std,
            List<String> labels,
            ExternalData externalData) {

        /**
         * Validates the fields.
         *
         * @throws IllegalArgumentException on an unsupported opset or a bad value
         */
        public Options {
            if (opset < MIN_OPSET || opset > MAX_OPSET) {
                throw new IllegalArgumentException("ONNX opset must be in [" + MIN_OPSET + ", " + MAX_OPSET
                        + "], got " + opset);
            }
            Objects.requireNonNull(modelName, "modelName");
            if (fixedImageSize && imageSize == 0) {
                throw new IllegalArgumentException("a fixed image size needs imageSize > 0");
            }
            if (imageSize < 0 || resize < 0) {
                throw new IllegalArgumentException("imageSize and resize must be >= 0 (0: unknown), got "
                        + imageSize + ", " + resize);
            }
            if ((mean == null) != (std == null) || (mean != null && mean.length != std.length)) {
                throw new IllegalArgumentException("mean and std must both be given, with one value per channel");
            }
            mean = mean == null ? null : mean.clone();
            std = std == null ? null : std.clone();
            labels = labels == null ? null : List.copyOf(labels);
            Objects.requireNonNull(externalData, "externalData");
        }

        /**
         * Opset {@value #DEFAULT_OPSET}, batch norms folded, dynamic image size, no labels or
         * normalisation, weights inside the file unless too large.
         *
         * @return the defaults
         */
        public static Options defaults() {
            return new Options(DEFAULT_OPSET, true, "model", 0, false, 0, null, null, null, ExternalData.AUTO);
        }

        @Override
        public float[] mean() {
            return mean == null ? null : mean.clone();
        }

        @Override
        public float[] std() {
            return std == null ? null : std.clone();
        }

        /**
         * @param v the opset
         * @return a copy with that opset
         */
        public Options withOpset(int v) {
            return new Options(v, foldBatchNorms, modelName, imageSize, fixedImageSize, resize, mean, std, labels, externalData);
        }

        /**
         * @param v whether to fold batch norms into convolutions
         * @return a copy
         */
        public Options withFoldBatchNorms(boolean v) {
            return new Options(opset, v, modelName, imageSize, fixedImageSize, resize, mean, std, labels, externalData);
        }

        /**
         * @param v the model's name
         * @return a copy
         */
        public Options withModelName(String v) {
            return new Options(opset, foldBatchNorms, v, imageSize, fixedImageSize, resize, mean, std, labels, externalData);
        }

        /**
         * @param size the input height and width the model expects, 0 if unknown
         * @param resizeTo the evaluation resize of the shorter side, 0 if unknown
         * @return a copy
         */
        public Options withImageSize(int size, int resizeTo) {
            return new Options(opset, foldBatchNorms, modelName, size, fixedImageSize, resizeTo, mean, std, labels,
                    externalData);
        }

        /**
         * @param fixed whether the graph's input height and width are fixed to {@link #imageSize()}
         * @return a copy
         */
        public Options withFixedImageSize(boolean fixed) {
            return new Options(opset, foldBatchNorms, modelName, imageSize, fixed, resize, mean, std, labels,
                    externalData);
        }

        /**
         * @param m per-channel mean
         * @param s per-channel standard deviation
         * @return a copy
         */
        public Options withNormalization(float[] m, float[] s) {
            return new Options(opset, foldBatchNorms, modelName, imageSize, fixedImageSize, resize, m, s, labels, externalData);
        }

        /**
         * @param v the class labels
         * @return a copy
         */
        public Options withLabels(List<String> v) {
            return new Options(opset, foldBatchNorms, modelName, imageSize, fixedImageSize, resize, mean, std, v, externalData);
        }

        /**
         * @param v where the weights go
         * @return a copy
         */
        public Options withExternalData(ExternalData v) {
            return new Options(opset, foldBatchNorms, modelName, imageSize, fixedImageSize, resize, mean, std, labels, v);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Options p && opset == p.opset && foldBatchNorms == p.foldBatchNorms
                    && modelName.equals(p.modelName) && imageSize == p.imageSize
                    && fixedImageSize == p.fixedImageSize && resize == p.resize
                    && Arrays.equals(mean, p.mean) && Arrays.equals(std, p.std)
                    && Objects.equals(labels, p.labels) && externalData == p.externalData;
        }

        @Override
        public int hashCode() {
            return Objects.hash(opset, foldBatchNorms, modelName, imageSize, fixedImageSize, resize, Arrays.hashCode(mean),
                    Arrays.hashCode(std), labels, externalData);
        }

        @Override
        public String toString() {
            return "OnnxExport.Options[opset=" + opset + ", foldBatchNorms=" + foldBatchNorms + ", modelName="
                    + modelName + ", imageSize=" + imageSize + ", fixedImageSize=" + fixedImageSize + ", resize=" + resize + ", mean="
                    + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ", labels="
                    + (labels == null ? "null" : labels.size() + " labels") + ", externalData=" + externalData + "]";
        }
    }

    /** The input's name. */
    public static final String INPUT = "input";

    /** The output's name. */
    public static final String OUTPUT = "logits";

    private OnnxExport() {}

    /**
     * Writes the model to an ONNX file (atomically; with external data, the {@code .data} file is
     * written first).
     *
     * @param model an initialised, unfolded model with its weights
     * @param path the {@code .onnx} file
     * @param options what to export
     * @throws IOException if writing fails
     * @throws IllegalStateException if the model is not initialised or was folded
     * @throws UnsupportedOperationException if a block has no converter
     */
    public static void write(ImageClassifier model, Path path, Options options) throws IOException {
        write(model, path, options, BlockConverters.standard());
    }

    /**
     * {@link #write(ImageClassifier, Path, Options)} with a registry of converters of one's own.
     *
     * @param model an initialised, unfolded model
     * @param path the {@code .onnx} file
     * @param options what to export
     * @param converters the converters
     * @throws IOException if writing fails
     */
    public static void write(ImageClassifier model, Path path, Options options, BlockConverters converters)
            throws IOException {
        Objects.requireNonNull(path, "path");
        OnnxGraph graph = build(model, options, converters);
        boolean external = options.externalData() == ExternalData.ALWAYS
                || (options.externalData() == ExternalData.AUTO && graph.initializerBytes() > EXTERNAL_THRESHOLD_BYTES);
        if (!external) {
            ModelProto proto = toProto(model, graph, options, null);
            AtomicFile.write(path, proto::writeTo);
            return;
        }
        String dataName = path.getFileName() + ".data";
        Path dataPath = path.resolveSibling(dataName);
        ModelProto[] proto = new ModelProto[1];
        AtomicFile.write(dataPath, out -> proto[0] = toProto(model, graph, options, appender(dataName, out)));
        AtomicFile.write(path, proto[0]::writeTo);
    }

    /**
     * The ONNX model as bytes, for an in-memory ONNX Runtime session. Weights are always embedded.
     *
     * @param model an initialised, unfolded model
     * @param options what to export ({@link Options#externalData} is ignored)
     * @return the serialised {@code ModelProto}
     * @throws IllegalArgumentException if the weights exceed protobuf's 2 GB limit
     */
    public static byte[] toBytes(ImageClassifier model, Options options) {
        OnnxGraph graph = build(model, options, BlockConverters.standard());
        if (graph.initializerBytes() > Integer.MAX_VALUE - (64L << 20)) {
            throw new IllegalArgumentException("the model's weights (" + graph.initializerBytes()
                    + " bytes) exceed protobuf's 2 GB limit: write it to a file with external data");
        }
        try {
            return toProto(model, graph, options, null).toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // no external data: nothing is written
        }
    }

    /**
     * Summary of what the graph of a model would contain, for tests and logs.
     *
     * @param model an initialised, unfolded model
     * @param options what to export
     * @return the operators used, in order of first use
     */
    public static List<String> operators(ImageClassifier model, Options options) {
        return build(model, options, BlockConverters.standard()).operators();
    }

    private static OnnxGraph build(ImageClassifier model, Options options, BlockConverters converters) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        if (!model.isInitialized()) {
            throw new IllegalStateException("initialize the model (and load its weights) before exporting it to ONNX");
        }
        BatchNormFolding.requireUnfolded(model, "export it to ONNX");
        OnnxGraph graph = new OnnxGraph(converters, options.opset());
        String out = graph.convert("", model, INPUT);
        // The last node's output takes the graph output's name.
        graph.renameOutput(out, OUTPUT);
        if (options.foldBatchNorms()) {
            graph.foldBatchNorms(Set.of(OUTPUT));
        }
        return graph;
    }

    private static ModelProto toProto(ImageClassifier model, OnnxGraph graph, Options options,
            OnnxGraph.ExternalData external) throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName(options.modelName());
        g.addInput(value(INPUT, dim("batch"),
                fixed(model.inChannels()),
                options.fixedImageSize() ? fixed(options.imageSize()) : dim("height"),
                options.fixedImageSize() ? fixed(options.imageSize()) : dim("width")));
        g.addOutput(value(OUTPUT, dim("batch"), fixed(model.numClasses())));
        graph.writeTo(g, external);
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("VisionZoo")
                .setProducerVersion(version())
                .setModelVersion(1)
                .setDocString(options.modelName() + " exported by VisionZoo from its blocks (evaluation mode)")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(options.opset()))
                .setGraph(g);
        meta(m, "visionzoo.model", options.modelName());
        meta(m, "visionzoo.num_classes", Integer.toString(model.numClasses()));
        meta(m, "visionzoo.in_channels", Integer.toString(model.inChannels()));
        if (options.labels() != null) {
            if (options.labels().size() != model.numClasses()) {
                throw new IllegalArgumentException("labels: the model has " + model.numClasses()
                        + " classes, got " + options.labels().size() + " labels");
            }
            meta(m, "visionzoo.labels", String.join("\n", options.labels()));
        }
        if (options.imageSize() > 0) {
            meta(m, "visionzoo.image_size", Integer.toString(options.imageSize()));
        }
        if (options.resize() > 0) {
            meta(m, "visionzoo.resize", Integer.toString(options.resize()));
        }
        if (options.mean() != null) {
            meta(m, "visionzoo.mean", join(options.mean()));
            meta(m, "visionzoo.std", join(options.std()));
        }
        return m.build();
    }

    private static String join(float[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(values[i]);
        }
        return b.toString();
    }

    private static void meta(ModelProto.Builder m, String key, String value) {
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private static TensorShapeProto.Dimension dim(String param) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(param).build();
    }

    private static TensorShapeProto.Dimension fixed(long value) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
    }

    private static ValueInfoProto value(String name, TensorShapeProto.Dimension... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (TensorShapeProto.Dimension d : dims) {
            shape.addDim(d);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static OnnxGraph.ExternalData appender(String fileName, OutputStream out) {
        return new OnnxGraph.ExternalData() {
            private long offset;

            @Override
            public String fileName() {
                return fileName;
            }

            @Override
            public long append(byte[] bytes) throws IOException {
                long padding = (64 - offset % 64) % 64; // aligned for memory mapping
                out.write(new byte[(int) padding]);
                offset += padding;
                long at = offset;
                out.write(bytes);
                offset += bytes.length;
                return at;
            }
        };
    }

    private static String version() {
        String v = OnnxExport.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
