package org.visionzoo.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The convolution {@link Layers#conv} builds: DJL's {@link Conv2d}, plus the state {@link
 * BatchNormFolding} leaves in it when it folds the following batch norm into it (the scaled
 * weight in place and a per-channel bias).
 *
 * <p>Until folded it behaves exactly as {@link Conv2d}. Once folded it only runs inference: a
 * training forward throws, since the batch norm it absorbed no longer exists as such.
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
        if (foldedBias == null) {
            return super.forwardInternal(ps, inputs, training, params);
        }
        if (training) {
            throw new IllegalStateException(BatchNormFolding.TRAINING_MESSAGE);
        }
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), false);
        NDArray b = foldedBias.getDevice().equals(x.getDevice()) ? foldedBias : foldedBias.toDevice(x.getDevice(), false);
        NDList out = Conv2d.conv2d(x, w, b, stride, padding, dilation, groups);
        if (b != foldedBias) {
            b.close();
        }
        return out;
    }
}
