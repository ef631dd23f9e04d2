package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code nn.BatchNorm2d} over NCHW input: parameters {@code weight}, {@code bias} and
 * buffers {@code running_mean}, {@code running_var} under torchvision's names, {@code momentum} in
 * PyTorch's convention (the weight of the new batch statistic, 0.1 by default; DJL's own {@code
 * BatchNorm} takes the complement) and a configurable epsilon (1e-5; MobileNetV3 and EfficientNet
 * use 1e-3).
 *
 * <p>The running statistics are parameters of type {@link Parameter.Type#RUNNING_MEAN} and {@link
 * Parameter.Type#RUNNING_VAR} that never require gradients; parameter counts exclude them, as
 * PyTorch's {@code parameters()} does.
 */
public final class BatchNorm2d extends ai.djl.nn.AbstractBlock {

    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private boolean folded;

    /** A batch norm with PyTorch's defaults: eps 1e-5, momentum 0.1. */
    public BatchNorm2d() {
        this(1e-5f, 0.1f);
    }

    /**
     * A batch norm.
     *
     * @param eps added to the variance, {@code > 0}
     * @param momentum PyTorch's momentum in (0, 1]
     * @throws IllegalArgumentException on an invalid value
     */
    public BatchNorm2d(float eps, float momentum) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0, got " + eps);
        }
        if (!(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException("momentum must be in (0, 1], got " + momentum);
        }
        this.eps = eps;
        this.momentum = momentum;
        weight = addParameter(param("weight", Parameter.Type.GAMMA, true));
        bias = addParameter(param("bias", Parameter.Type.BETA, true));
        runningMean = addParameter(param("running_mean", Parameter.Type.RUNNING_MEAN, false));
        runningVar = addParameter(param("running_var", Parameter.Type.RUNNING_VAR, false));
    }

    private static Parameter param(String name, Parameter.Type type, boolean grad) {
        return Parameter.builder().setName(name).setType(type).optRequiresGrad(grad).build();
    }

    /**
     * Returns epsilon.
     *
     * @return epsilon
     */
    public float eps() {
        return eps;
    }

    /**
     * Returns the momentum in PyTorch's convention.
     *
     * @return the momentum
     */
    public float momentum() {
        return momentum;
    }

    /**
     * Returns the scale parameter ({@code weight}), e.g. to zero it.
     *
     * @return the scale parameter
     */
    public Parameter weight() {
        return weight;
    }

    /**
     * Whether {@link BatchNormFolding} has folded this batch norm into the convolution before it
     * (it is then the identity, for inference only).
     *
     * @return true once folded
     */
    public boolean isFolded() {
        return folded;
    }

    void markFolded() {
        folded = true;
    }

    /**
     * The running mean buffer.
     *
     * @return the {@code running_mean} parameter
     */
    Parameter runningMean() {
        return runningMean;
    }

    /**
     * The running variance buffer.
     *
     * @return the {@code running_var} parameter
     */
    Parameter runningVar() {
        return runningVar;
    }

    /**
     * The shift parameter.
     *
     * @return the {@code bias} parameter
     */
    Parameter bias() {
        return bias;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (folded) {
            if (training) {
                throw new IllegalStateException(BatchNormFolding.TRAINING_MESSAGE);
            }
            return new NDList(x); // folded into the convolution before it
        }
        var device = x.getDevice();
        return BatchNorm.batchNorm(
                x,
                ps.getValue(runningMean, device, training),
                ps.getValue(runningVar, device, training),
                ps.getValue(weight, device, training),
                ps.getValue(bias, device, training),
                -1, // torch.batch_norm normalises over dim 1 of NCHW: no transpose needed
                1f - momentum,
                eps,
                training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        if (inputShapes[0].dimension() < 2) {
            throw new IllegalArgumentException(
                    "BatchNorm2d expects (N, C, ...) input, got shape " + inputShapes[0]);
        }
        Shape channels = new Shape(inputShapes[0].get(1));
        weight.setShape(channels);
        bias.setShape(channels);
        runningMean.setShape(channels);
        runningVar.setShape(channels);
    }
}
