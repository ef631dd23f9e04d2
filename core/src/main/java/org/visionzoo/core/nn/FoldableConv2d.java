package org.visionzoo.core.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The convolution {@link Layers#conv} builds: DJL's {@link Conv2d} with two differences.
 *
 * <ul>
 *   <li>Pointwise convolutions (1x1, no padding, one group) run as matrix products ({@link
 *       PointwiseConv}), never as a libtorch convolution: oneDNN's channels-last 1x1 kernel is
 *       wrong or crashes on some CPUs. Every other convolution is libtorch's.
 *   <li>It holds the state {@link BatchNormFolding} leaves in it when it folds the following batch
 *       norm into it (the scaled weight in place and a per-channel bias). Once folded it only runs
 *       inference: a training forward throws, since the batch norm it absorbed no longer exists as
 *       such.
 * </ul>
 */
final class FoldableConv2d extends Conv2d {

    private NDArray foldedBias;

    FoldableConv2d(Conv2d.Builder builder) {
        super(builder);
    }

    /** Whether a batch norm has been folded into this convolution. */
    boolean isFolded() {
        return foldedBias != null;
    }

    /** Whether this convolution runs as a matrix product ({@link PointwiseConv}). */
    boolean isPointwise() {
        return PointwiseConv.isPointwise(kernelShape, padding, groups);
    }

    /**
     * Records the bias of the folded batch norm (the weight has been scaled in place by the caller).
     *
     * @param bias per-output-channel bias, owned by this block from now on
     */
    void setFoldedBias(NDArray bias) {
        if (foldedBias != null) {
            throw new IllegalStateException("a batch norm has already been folded into this convolution");
        }
        foldedBias = bias;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (training && foldedBias != null) {
            throw new IllegalStateException(BatchNormFolding.TRAINING_MESSAGE);
        }
        NDArray x = inputs.singletonOrThrow();
        Device device = x.getDevice();
        NDArray w = ps.getValue(weight, device, training);
        NDArray b = bias(ps, device, training);
        try {
            if (isPointwise()) {
                return new NDList(PointwiseConv.forward(x, w, b, stride, PassOrder.isChannelsLast()));
            }
            return Conv2d.conv2d(x, w, b, stride, padding, dilation, groups);
        } finally {
            if (b != null && foldedBias != null && b != foldedBias) {
                b.close(); // a copy on the input's device
            }
        }
    }

    private NDArray bias(ParameterStore ps, Device device, boolean training) {
        if (foldedBias != null) {
            return foldedBias.getDevice().equals(device) ? foldedBias : foldedBias.toDevice(device, false);
        }
        return bias == null ? null : ps.getValue(bias, device, training);
    }
}
