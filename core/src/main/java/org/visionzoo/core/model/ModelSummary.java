package org.visionzoo.core.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;

import org.visionzoo.core.nn.NamedBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parameters and multiply-accumulates of a model, in total and per layer, computed from the block
 * tree.
 *
 * <p>Parameters are counted as PyTorch's {@code sum(p.numel() for p in model.parameters())}:
 * batch-norm running statistics are buffers there and are excluded here. MACs count the
 * multiply-accumulates of convolutions ({@code out_elements * in_channels/groups * kh * kw}) and
 * linear layers for one image, the convention of the papers and of torchvision's published
 * figures; normalisation, activations, pooling and element-wise products are not counted.
 *
 * <pre>{@code
 * ModelSummary s = ModelSummary.of(model, new Shape(1, 3, 224, 224));
 * System.out.println(s.toTable());
 * }</pre>
 *
 * @param inputShape the input shape the figures are for (batch 1)
 * @param params total trainable parameters
 * @param macs total multiply-accumulates for one image
 * @param rows one row per block of the tree, depth-first
 */
public record ModelSummary(Shape inputShape, long params, long macs, List<Row> rows) {

    /**
     * One block of the tree.
     *
     * @param name the module path ({@code layer1.0.conv1}), empty for the root
     * @param depth the depth in the tree, 0 for the root
     * @param type the block's class name
     * @param outputShape the block's output shape
     * @param params trainable parameters of the block and its children
     * @param macs multiply-accumulates of the block and its children
     */
    public record Row(
            String name, int depth, String type, Shape outputShape, long params, long macs) {}

    /**
     * Computes the summary of an initialised block for an input shape. The block's recorded input
     * shapes are refreshed for that shape (its parameters are left as they are).
     *
     * @param block an initialised block
     * @param inputShape the input shape; the batch dimension is replaced by 1
     * @return the summary
     * @throws IllegalStateException if the block is not initialised
     */
    public static ModelSummary of(Block block, Shape inputShape) {
        NDManager manager = parameterManager(block);
        Shape single = new Shape(1).addAll(inputShape.slice(1));
        block.initialize(manager, DataType.FLOAT32, single);
        List<Row> rows = new ArrayList<>();
        long[] totals = visit(block, "", 0, rows);
        return new ModelSummary(single, totals[0], totals[1], List.copyOf(rows));
    }

    /**
     * Counts the trainable parameters of a block as PyTorch does (running statistics excluded).
     *
     * @param block an initialised block
     * @return the count
     * @throws IllegalStateException if a parameter has no shape yet
     */
    public static long countParameters(Block block) {
        long total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            total += size(p.getValue());
        }
        return total;
    }

    private static long size(Parameter p) {
        if (p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR) {
            return 0;
        }
        if (!p.isInitialized()) {
            throw new IllegalStateException(
                    "parameter '" + p.getName() + "' is not initialised: initialise the model first");
        }
        return p.getArray().size();
    }

    private static long[] visit(Block block, String name, int depth, List<Row> rows) {
        Shape[] in = inputShapes(block, name);
        Shape out = block.getOutputShapes(in)[0];
        Row placeholder = new Row(name, depth, block.getClass().getSimpleName(), out, 0, 0);
        int index = rows.size();
        rows.add(placeholder);
        long params = 0;
        for (Parameter p : block.getDirectParameters().values()) {
            params += size(p);
        }
        long macs = leafMacs(block, out);
        for (Map.Entry<String, Block> child : NamedBlock.namedChildren(block)) {
            String childName = name.isEmpty() ? child.getKey() : name + "." + child.getKey();
            long[] sub = visit(child.getValue(), childName, depth + 1, rows);
            params += sub[0];
            macs += sub[1];
        }
        rows.set(index, new Row(name, depth, placeholder.type(), out, params, macs));
        return new long[] {params, macs};
    }

    private static Shape[] inputShapes(Block block, String name) {
        var described = block.describeInput();
        if (described == null || described.isEmpty() || described.valueAt(0) == null) {
            throw new IllegalStateException(
                    "block '" + name + "' (" + block.getClass().getSimpleName() + ") has no input shape: it was never initialised");
        }
        Shape[] shapes = described.values().toArray(new Shape[0]);
        if (block instanceof Linear) {
            // DJL's Linear describes its input without the feature dimension
            long inFeatures = block.getDirectParameters().get("weight").getArray().getShape().get(1);
            shapes[0] = shapes[0].add(inFeatures);
        }
        return shapes;
    }

    // Batch is 1 here (see of()), so the output shape counts the work of one image.
    private static long leafMacs(Block block, Shape out) {
        if (block instanceof Convolution) {
            Parameter weight = block.getDirectParameters().get("weight");
            long spatial = 1;
            for (int i = 2; i < out.dimension(); i++) {
                spatial *= out.get(i);
            }
            return weight.getArray().size() * spatial;
        }
        if (block instanceof Linear) {
            Parameter weight = block.getDirectParameters().get("weight");
            // (1, ..., out): one weight row per output element of the single image
            return weight.getArray().size() * (out.size() / out.get(out.dimension() - 1));
        }
        return 0;
    }

    private static NDManager parameterManager(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().isInitialized()) {
                throw new IllegalStateException(
                        "the model is not initialised: call initialize(manager, dataType, inputShape) first");
            }
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            return p.getValue().getArray().getManager();
        }
        throw new IllegalStateException("the model has no parameters");
    }

    /**
     * Formats the summary as a fixed-width table with totals, rows up to a depth.
     *
     * @param maxDepth the deepest rows to show (0: the root only)
     * @return the table
     */
    public String toTable(int maxDepth) {
        StringBuilder sb = new StringBuilder();
        String format = "%-44s %-20s %-22s %14s %16s%n";
        sb.append(String.format(Locale.ROOT, format, "Layer", "Type", "Output shape", "Params", "MACs"));
        sb.append("-".repeat(120)).append('\n');
        for (Row row : rows) {
            if (row.depth() > maxDepth) {
                continue;
            }
            String label = row.name().isEmpty() ? "(model)" : "  ".repeat(row.depth() - 1) + row.name();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            format,
                            label,
                            row.type(),
                            row.outputShape(),
                            String.format(Locale.ROOT, "%,d", row.params()),
                            String.format(Locale.ROOT, "%,d", row.macs())));
        }
        sb.append("-".repeat(120)).append('\n');
        sb.append(String.format(Locale.ROOT, "Input shape: %s%n", inputShape));
        sb.append(String.format(Locale.ROOT, "Parameters: %,d%n", params));
        sb.append(String.format(Locale.ROOT, "MACs:       %,d (%s)%n", macs, formatMacs(macs)));
        return sb.toString();
    }

    /**
     * Formats a count of multiply-accumulates with a unit: {@code 4.09 G}, {@code 40.55 M}.
     *
     * @param macs the count
     * @return the formatted count
     */
    public static String formatMacs(long macs) {
        if (macs >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f G", macs / 1e9);
        }
        if (macs >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f M", macs / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f K", macs / 1e3);
    }

    /**
     * Formats the whole tree as a table.
     *
     * @return the table
     */
    public String toTable() {
        return toTable(Integer.MAX_VALUE);
    }
}
