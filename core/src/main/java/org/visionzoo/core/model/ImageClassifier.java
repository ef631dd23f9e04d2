package org.visionzoo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

import org.visionzoo.core.nn.BatchNormFolding;
import org.visionzoo.core.nn.NamedBlock;
import org.visionzoo.core.nn.Ops;
import org.visionzoo.core.nn.PassOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The contract every VisionZoo model implements: a backbone that maps an image batch {@code (N, C,
 * H, W)} to pooled features {@code (N, featureDim)}, and a head (a child named like torchvision's,
 * {@code fc} or {@code classifier}) that maps the features to logits {@code (N, numClasses)}.
 *
 * <p>Fine-tuning in three lines:
 *
 * <pre>{@code
 * ImageClassifier model = Models.create("resnet50");
 * model.initialize(manager, 224);
 * Weights.load(model, Path.of("resnet50.safetensors"));
 * model.replaceHead(10);        // new, initialised 10-class head; backbone kept
 * model.freezeBackbone(true);   // train the head only
 * }</pre>
 */
public abstract class ImageClassifier extends NamedBlock {

    private final String headName;
    private final int inChannels;
    private final int featureDim;
    private int numClasses;
    private MemoryFormat memoryFormat = MemoryFormat.AUTO;

    /**
     * Creates the classifier; subclasses add their children (the head last, via {@link
     * #addHead()}).
     *
     * @param headName the torchvision module name of the head ({@code fc}, {@code classifier})
     * @param inChannels input channels
     * @param featureDim width of the pooled features
     * @param numClasses number of classes
     */
    protected ImageClassifier(String headName, int inChannels, int featureDim, int numClasses) {
        this.headName = headName;
        this.inChannels = inChannels;
        this.featureDim = featureDim;
        this.numClasses = numClasses;
    }

    /** Adds the head as the last child, built by {@link #newHead(int)}. */
    protected final void addHead() {
        add(headName, newHead(numClasses));
    }

    /**
     * Builds a freshly initialisable head for the given class count.
     *
     * @param numClasses number of classes
     * @return the head, mapping {@code (N, featureDim)} to {@code (N, numClasses)}
     */
    protected abstract Block newHead(int numClasses);

    /**
     * The dropout probability applied to the pooled features before the head, in training only,
     * for families whose head has no dropout of its own (ResNet, DenseNet: timm's {@code
     * drop_rate}); 0, the default, applies none. Families whose head holds a dropout layer
     * (torchvision's MobileNet and EfficientNet {@code classifier.0}) keep 0 here.
     *
     * @return a probability in {@code [0, 1)}
     */
    protected double featureDropout() {
        return 0;
    }

    /**
     * Runs the backbone: {@code (N, C, H, W)} to pooled features {@code (N, featureDim)}, in the
     * memory order of its input; {@link #features} converts to the model's memory format first.
     * The default is torchvision's layout of MobileNet and EfficientNet: the child named {@code
     * features}, then global average pooling; families laid out otherwise override it.
     *
     * @param ps the parameter store
     * @param x the input batch, left open
     * @param training whether this is a training pass
     * @return the pooled features
     */
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        return globalPool(apply(child("features"), ps, x, training));
    }

    /**
     * Global average pooling of a feature map, the last step of every backbone: {@code (N, C, H,
     * W)} to {@code (N, C)}.
     *
     * @param featureMap the feature map, closed here unless it is the result
     * @return the pooled features
     */
    protected final NDArray globalPool(NDArray featureMap) {
        return consume(featureMap, Ops.globalAvgPool(featureMap));
    }

    /**
     * Initialises the backbone's children for the given input shape. The default initialises the
     * {@link #backbone()} children in order, each for the output of the one before, which fits
     * backbones that are a chain of children.
     *
     * @param manager the manager of the parameters
     * @param dataType the data type
     * @param input the input shape {@code (N, C, H, W)}
     */
    protected void initializeBackbone(NDManager manager, DataType dataType, Shape input) {
        initializeChain(
                manager,
                dataType,
                new Shape[] {input},
                backbone().stream().map(Map.Entry::getValue).toArray(Block[]::new));
    }

    /**
     * Returns the number of classes.
     *
     * @return the number of classes
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Returns the number of input channels.
     *
     * @return input channels
     */
    public int inChannels() {
        return inChannels;
    }

    /**
     * Returns the width of the pooled features the head consumes.
     *
     * @return the feature dimension
     */
    public int featureDim() {
        return featureDim;
    }

    /**
     * Returns the module name of the head, the prefix of its {@code state_dict} keys.
     *
     * @return the head's name
     */
    public String headName() {
        return headName;
    }

    /**
     * Returns the head.
     *
     * @return the head
     */
    public Block head() {
        return child(headName);
    }

    /**
     * Returns the backbone's children under their module names, in order.
     *
     * @return (name, block) pairs of everything but the head
     */
    public List<Map.Entry<String, Block>> backbone() {
        List<Map.Entry<String, Block>> list = new ArrayList<>(namedChildren(this));
        list.removeIf(e -> e.getKey().equals(headName));
        return list;
    }

    /**
     * Initialises the model for square images of the given size, batch 1, float32.
     *
     * @param manager the manager that will own the parameters
     * @param imageSize height and width
     * @return this
     */
    public ImageClassifier initialize(NDManager manager, int imageSize) {
        initialize(manager, DataType.FLOAT32, new Shape(1, inChannels, imageSize, imageSize));
        return this;
    }

    /**
     * Replaces the head by a new one for {@code numClasses} classes, keeping the backbone. If the
     * model is initialised, the new head is initialised at once on the parameters' manager.
     *
     * @param numClasses the new number of classes, {@code > 0}
     * @return this
     * @throws IllegalArgumentException if {@code numClasses <= 0}
     */
    public ImageClassifier replaceHead(int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0, got " + numClasses);
        }
        NDManager manager = parameterManager();
        Block head = newHead(numClasses);
        replace(headName, head);
        this.numClasses = numClasses;
        if (manager != null) {
            head.initialize(manager, DataType.FLOAT32, new Shape(1, featureDim));
        }
        return this;
    }

    /**
     * Sets the memory order the forward pass runs in (default {@link MemoryFormat#AUTO}:
     * channels-last on CPUs that pass the platform self-check, unless the process-wide setting
     * says otherwise). Results are the same up to float rounding; set {@link
     * MemoryFormat#CONTIGUOUS} to measure the difference or to rule the order out.
     *
     * @param format the memory order
     * @return this
     */
    public ImageClassifier memoryFormat(MemoryFormat format) {
        this.memoryFormat = Objects.requireNonNull(format, "format");
        return this;
    }

    /**
     * Returns the memory order the forward pass runs in.
     *
     * @return the memory format
     */
    public MemoryFormat memoryFormat() {
        return memoryFormat;
    }

    /**
     * Prepares the model for inference only, for speed: folds each batch norm into the convolution
     * before it ({@link BatchNormFolding}), which removes a pass over the activations per folded
     * layer and gives the same logits up to float rounding. One-way: the folded model cannot be
     * trained, exported or loaded into afterwards (those throw) — load the weights first.
     *
     * @return this
     * @throws IllegalStateException if the model is not initialised
     */
    public ImageClassifier optimizeForInference() {
        BatchNormFolding.fold(this);
        return this;
    }

    /**
     * Freezes (or unfreezes) every backbone parameter, so that training updates the head only.
     *
     * @param freeze true to freeze
     * @return this
     */
    public ImageClassifier freezeBackbone(boolean freeze) {
        for (Map.Entry<String, Block> child : backbone()) {
            child.getValue().freezeParameters(freeze, this::isTrainable);
        }
        return this;
    }

    private boolean isTrainable(Parameter p) {
        return p.getType() != Parameter.Type.RUNNING_MEAN && p.getType() != Parameter.Type.RUNNING_VAR;
    }

    private NDManager parameterManager() {
        for (Pair<String, Parameter> p : getParameters()) {
            if (p.getValue().isInitialized()) {
                return p.getValue().getArray().getManager();
            }
        }
        return null;
    }

    /**
     * The pooled features {@code (N, featureDim)} of a batch: {@link #forwardFeatures} in the
     * model's {@linkplain #memoryFormat() memory format}. The input (of any memory order) is
     * converted once and left open; the pass's order is declared to the blocks ({@link
     * PassOrder}). With {@link MemoryFormat#AUTO} the first channels-last pass of the process runs
     * the {@linkplain KernelSelfCheck platform self-check}.
     *
     * @param ps the parameter store
     * @param x the batch {@code (N, C, H, W)}
     * @param training whether this is a training pass
     * @return the features, a new array
     * @throws IllegalArgumentException if the input is not 4-dimensional with the model's channels
     */
    public final NDArray features(ParameterStore ps, NDArray x, boolean training) {
        checkInput(x.getShape());
        boolean channelsLast = memoryFormat.channelsLastOn(x.getDevice(), training);
        NDArray ordered = channelsLast ? Ops.channelsLast(x) : Ops.contiguous(x);
        PassOrder.Scope order = PassOrder.channelsLast(channelsLast);
        try {
            NDArray features = forwardFeatures(ps, ordered, training);
            if (features != ordered) {
                ordered.close();
            }
            return features;
        } finally {
            order.close();
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = features(ps, inputs.singletonOrThrow(), training);
        double dropout = featureDropout();
        if (training && dropout > 0) {
            features = consume(features, Dropout.dropout(features, (float) dropout, true).singletonOrThrow());
        }
        NDArray logits = apply(head(), ps, features, training);
        return new NDList(consume(features, logits));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape input = inputShapes[0];
        checkInput(input);
        initializeBackbone(manager, dataType, input);
        head().initialize(manager, dataType, new Shape(input.get(0), featureDim));
    }

    private void checkInput(Shape shape) {
        if (shape.dimension() != 4 || shape.get(1) != inChannels) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + " expects input of shape (N, "
                            + inChannels
                            + ", H, W), got "
                            + shape);
        }
    }
}
