package org.visionzoo.training.data;

import org.visionzoo.training.transform.Image;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A labelled image dataset read by index: what the training loop's input pipeline consumes.
 *
 * <p>Implementations are safe to read from several threads at once ({@link #load} is called from
 * the pipeline's worker threads). {@link ImageDataset} holds its pixels in memory; an image folder
 * decodes files on each call.
 */
public interface LabeledImages {

    /**
     * A name for messages, such as {@code fashion-mnist/train}.
     *
     * @return the name
     */
    String name();

    /**
     * The number of images.
     *
     * @return the number of images
     */
    int size();

    /**
     * The channels every image is delivered with (1 for grayscale datasets, 3 for colour).
     *
     * @return the channels
     */
    int channels();

    /**
     * The label of one image, in {@code [0, classNames().size())}.
     *
     * @param index the image's index
     * @return its label
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
     */
    int label(int index);

    /**
     * The name of each class; label {@code k} names class {@code classNames().get(k)}.
     *
     * @return an unmodifiable list
     */
    List<String> classNames();

    /**
     * Decodes one image to floats in {@code [0, 1]}, {@code CHW}, with {@link #channels()}
     * channels (what torchvision's {@code ToTensor} gives).
     *
     * @param index the image's index
     * @return a new image the caller owns
     * @throws IOException naming the file if the image cannot be read or decoded
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
     */
    Image load(int index) throws IOException;

    /**
     * The number of classes.
     *
     * @return {@code classNames().size()}
     */
    default int numClasses() {
        return classNames().size();
    }

    /**
     * A view of some of the images, in the given order.
     *
     * @param indices indices into this dataset (copied)
     * @param name the view's name, for messages
     * @return the view
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    default LabeledImages subset(int[] indices, String name) {
        Objects.requireNonNull(name, "name");
        int[] idx = indices.clone();
        for (int i : idx) {
            Objects.checkIndex(i, size());
        }
        LabeledImages parent = this;
        return new LabeledImages() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int size() {
                return idx.length;
            }

            @Override
            public int channels() {
                return parent.channels();
            }

            @Override
            public int label(int index) {
                return parent.label(idx[Objects.checkIndex(index, idx.length)]);
            }

            @Override
            public List<String> classNames() {
                return parent.classNames();
            }

            @Override
            public Image load(int index) throws IOException {
                return parent.load(idx[Objects.checkIndex(index, idx.length)]);
            }

            @Override
            public String toString() {
                return name + "[" + idx.length + " of " + parent.name() + "]";
            }
        };
    }

    /**
     * The first {@code n} images (or all, if there are fewer), e.g. for a quick run.
     *
     * @param n how many images, at least 1
     * @return the view, or {@code this} when {@code n >= size()}
     */
    default LabeledImages first(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        if (n >= size()) {
            return this;
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return subset(idx, name() + "[:" + n + "]");
    }
}
