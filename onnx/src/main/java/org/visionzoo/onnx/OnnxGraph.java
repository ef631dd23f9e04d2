package org.visionzoo.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import com.google.protobuf.ByteString;

import org.visionzoo.onnx.proto.OnnxProto.AttributeProto;
import org.visionzoo.onnx.proto.OnnxProto.GraphProto;
import org.visionzoo.onnx.proto.OnnxProto.NodeProto;
import org.visionzoo.onnx.proto.OnnxProto.StringStringEntryProto;
import org.visionzoo.onnx.proto.OnnxProto.TensorProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An ONNX graph under construction: the nodes and float initializers that the {@link
 * BlockConverter}s emit while {@link OnnxExport} walks a model's block tree.
 *
 * <p>Every value has a unique name; node and value names derive from the block path (for example
 * {@code layer1.0.conv1}), so the exported graph reads like the model's {@code state_dict}.
 * Converters call {@link #convert(String, Block, String)} for their children, which dispatches to
 * the registered converter of each child's class.
 */
public final class OnnxGraph {

    /** A node before serialisation; mutable so that batch norms can be folded afterwards. */
    static final class Node {
        final String op;
        final List<String> inputs;
        String output;
        final String name;
        final List<AttributeProto> attributes;

        Node(String op, List<String> inputs, String output, String name, List<AttributeProto> attributes) {
            this.op = op;
            this.inputs = new ArrayList<>(inputs);
            this.output = output;
            this.name = name;
            this.attributes = attributes;
        }
    }

    /** A float32 initializer. */
    record Tensor(long[] dims, float[] data) {}

    private final BlockConverters converters;
    private final int opset;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();

    OnnxGraph(BlockConverters converters, int opset) {
        this.converters = Objects.requireNonNull(converters, "converters");
        this.opset = opset;
    }

    /**
     * The operator set the graph targets.
     *
     * @return the opset version of the default ONNX domain
     */
    public int opset() {
        return opset;
    }

    /**
     * Converts a child block with its registered converter.
     *
     * @param path the child's module path, e.g. {@code layer1.0}
     * @param block the child
     * @param input the name of the value the child consumes
     * @return the name of the value the child produces
     * @throws UnsupportedOperationException if no converter is registered for the child's class
     */
    public String convert(String path, Block block, String input) {
        return converters.require(block.getClass(), path).convert(this, path, block, input);
    }

    /**
     * Adds a node with one output.
     *
     * @param op the ONNX operator, e.g. {@code Conv}
     * @param name the node's name (made unique); its output gets the same name
     * @param inputs the input value names, in the operator's order
     * @param attributes the attributes
     * @return the output's name
     */
    public String node(String op, String name, List<String> inputs, AttributeProto... attributes) {
        String unique = unique(name);
        nodes.add(new Node(op, inputs, unique, unique, List.of(attributes)));
        return unique;
    }

    /**
     * Adds a float32 initializer.
     *
     * @param name its name (made unique)
     * @param dims its shape
     * @param data its values in C order
     * @return the name
     * @throws IllegalArgumentException if the values do not fill the shape
     */
    public String initializer(String name, long[] dims, float[] data) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException("initializer " + name + ": shape " + Arrays.toString(dims)
                    + " needs " + count + " values, got " + data.length);
        }
        String unique = unique(name);
        initializers.put(unique, new Tensor(dims.clone(), data));
        return unique;
    }

    /**
     * Adds an initializer holding a parameter's current value.
     *
     * @param name its name (made unique)
     * @param parameter an initialised parameter
     * @return the name
     * @throws IllegalStateException if the parameter is not initialised
     */
    public String parameter(String name, Parameter parameter) {
        if (parameter == null || !parameter.isInitialized()) {
            throw new IllegalStateException("parameter " + name + " is not initialised: initialize the model"
                    + " (and load its weights) before exporting it");
        }
        NDArray array = parameter.getArray();
        return initializer(name, array.getShape().getShape(), array.toFloatArray());
    }

    /**
     * A float32 scalar constant (shared between nodes that use the same value).
     *
     * @param value the value
     * @return the initializer's name
     */
    public String scalar(float value) {
        String name = "const_" + Float.toString(value).replace('.', '_').replace('-', 'm');
        if (!initializers.containsKey(name)) {
            names.add(name);
            initializers.put(name, new Tensor(new long[0], new float[] {value}));
        }
        return name;
    }

    /**
     * An INTS attribute.
     *
     * @param name the attribute's name
     * @param values the values
     * @return the attribute
     */
    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    /**
     * An INT attribute.
     *
     * @param name the attribute's name
     * @param value the value
     * @return the attribute
     */
    public static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /**
     * A FLOAT attribute.
     *
     * @param name the attribute's name
     * @param value the value
     * @return the attribute
     */
    public static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    /**
     * An INT64 initializer (shapes, pads, slice bounds).
     *
     * @param name its name (made unique)
     * @param values the values, a 1-D tensor
     * @return the name
     */
    public String int64s(String name, long... values) {
        String unique = unique(name);
        int64Initializers.put(unique, values.clone());
        return unique;
    }

    private final Map<String, long[]> int64Initializers = new LinkedHashMap<>();

    private String unique(String name) {
        String base = name.isEmpty() ? "value" : name;
        String candidate = base;
        for (int i = 1; !names.add(candidate); i++) {
            candidate = base + "_" + i;
        }
        return candidate;
    }

    /**
     * Renames the value {@code from} (a node's output) to {@code to}, e.g. to give the graph's
     * output its public name.
     *
     * @param from the current name
     * @param to the new name, not used yet
     */
    void renameOutput(String from, String to) {
        if (!names.add(to)) {
            throw new IllegalStateException("value name " + to + " is taken");
        }
        boolean produced = false;
        for (Node n : nodes) {
            if (n.output.equals(from)) {
                n.output = to;
                produced = true;
            }
            n.inputs.replaceAll(in -> in.equals(from) ? to : in);
        }
        if (!produced) {
            throw new IllegalStateException("no node produces " + from);
        }
    }

    /**
     * Folds each BatchNormalization whose input is a Conv's output that nothing else reads into
     * that Conv: weight {@code w * s}, bias {@code beta + (b - mean) * s} with {@code s = gamma /
     * sqrt(var + eps)}, in double precision.
     *
     * @param protectedNames values that must keep their producer (the graph's outputs)
     * @return how many batch norms were folded
     */
    int foldBatchNorms(Set<String> protectedNames) {
        Map<String, Node> producer = new HashMap<>();
        Map<String, Integer> uses = new HashMap<>();
        for (Node n : nodes) {
            producer.put(n.output, n);
            for (String in : n.inputs) {
                uses.merge(in, 1, Integer::sum);
            }
        }
        int folded = 0;
        List<Node> kept = new ArrayList<>();
        for (Node n : nodes) {
            Node conv = n.op.equals("BatchNormalization") ? producer.get(n.inputs.get(0)) : null;
            if (conv == null || !conv.op.equals("Conv") || uses.getOrDefault(conv.output, 0) != 1
                    || protectedNames.contains(conv.output)) {
                kept.add(n);
                continue;
            }
            float eps = 1e-5f;
            for (AttributeProto a : n.attributes) {
                if (a.getName().equals("epsilon")) {
                    eps = a.getF();
                }
            }
            float[] gamma = initializers.get(n.inputs.get(1)).data();
            float[] beta = initializers.get(n.inputs.get(2)).data();
            float[] mean = initializers.get(n.inputs.get(3)).data();
            float[] var = initializers.get(n.inputs.get(4)).data();
            Tensor w = initializers.get(conv.inputs.get(1));
            int out = (int) w.dims()[0];
            int per = w.data().length / out;
            float[] weight = w.data().clone();
            float[] oldBias = conv.inputs.size() > 2 ? initializers.get(conv.inputs.get(2)).data() : null;
            float[] bias = new float[out];
            for (int o = 0; o < out; o++) {
                double s = gamma[o] / Math.sqrt((double) var[o] + eps);
                for (int i = 0; i < per; i++) {
                    weight[o * per + i] = (float) (weight[o * per + i] * s);
                }
                bias[o] = (float) (beta[o] + ((oldBias == null ? 0 : oldBias[o]) - (double) mean[o]) * s);
            }
            initializers.put(conv.inputs.get(1), new Tensor(w.dims(), weight));
            if (oldBias != null) {
                initializers.put(conv.inputs.get(2), new Tensor(new long[] {out}, bias));
            } else {
                String b = unique(conv.name + ".bias");
                initializers.put(b, new Tensor(new long[] {out}, bias));
                conv.inputs.add(b);
            }
            for (int i = 1; i <= 4; i++) {
                initializers.remove(n.inputs.get(i));
            }
            conv.output = n.output;
            folded++;
        }
        nodes.clear();
        nodes.addAll(kept);
        return folded;
    }

    /** The number of bytes the float initializers take. */
    long initializerBytes() {
        long bytes = 0;
        for (Tensor t : initializers.values()) {
            bytes += 4L * t.data().length;
        }
        return bytes;
    }

    /**
     * Fills a GraphProto builder with the nodes and initializers.
     *
     * @param graph the builder
     * @param external where tensors go when stored outside the model, or null to embed them
     */
    void writeTo(GraphProto.Builder graph, ExternalData external) throws java.io.IOException {
        for (Node n : nodes) {
            graph.addNode(NodeProto.newBuilder().setOpType(n.op).setName(n.name).addAllInput(n.inputs)
                    .addOutput(n.output).addAllAttribute(n.attributes).build());
        }
        for (Map.Entry<String, long[]> e : int64Initializers.entrySet()) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(e.getKey())
                    .setDataType(TensorProto.DataType.INT64_VALUE).addDims(e.getValue().length);
            for (long v : e.getValue()) {
                t.addInt64Data(v);
            }
            graph.addInitializer(t.build());
        }
        for (Map.Entry<String, Tensor> e : initializers.entrySet()) {
            Tensor tensor = e.getValue();
            TensorProto.Builder t = TensorProto.newBuilder().setName(e.getKey())
                    .setDataType(TensorProto.DataType.FLOAT_VALUE);
            for (long d : tensor.dims()) {
                t.addDims(d);
            }
            ByteBuffer bytes = ByteBuffer.allocate(4 * tensor.data().length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(tensor.data());
            if (external != null && tensor.data().length > 1) {
                long offset = external.append(bytes.array());
                t.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", external.fileName()))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Integer.toString(bytes.capacity())));
            } else {
                t.setRawData(ByteString.copyFrom(bytes.array()));
            }
            graph.addInitializer(t.build());
        }
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** Where {@link #writeTo} appends tensors stored outside the model file. */
    interface ExternalData {
        /** The data file's name, relative to the model file. */
        String fileName();

        /**
         * Appends a tensor's bytes.
         *
         * @param bytes the little-endian values
         * @return the offset at which they start
         * @throws java.io.IOException if writing fails
         */
        long append(byte[] bytes) throws java.io.IOException;
    }

    /** The number of nodes, for tests and summaries. */
    int nodeCount() {
        return nodes.size();
    }

    /** The operators used, in order of first use. */
    List<String> operators() {
        return nodes.stream().map(n -> n.op).distinct().toList();
    }
}
