package org.visionzoo.training.transform;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The evaluation preprocessing of one decoded image, as {@code zoo predict} applies it: shared by
 * the command line and the Spark transformer so that both give the same answers.
 *
 * <p>With a {@code nativeSize} (a dataset's own size, e.g. 32 for CIFAR-10, 28 for Fashion-MNIST)
 * an image of another size is first resized and centre-cropped to it; the image is then resized
 * to {@code imageSize} if that differs, and normalised. Without one (0) the torchvision ImageNet
 * evaluation transform applies: resize the short side to {@code round(imageSize * 256 / 224)},
 * centre-crop {@code imageSize}, normalise.
 *
 * @param nativeSize the dataset's native image size, or 0 for none
 * @param imageSize the model's input size, {@code > 0}
 * @param normalize the per-channel normalisation
 */
public record EvalPreprocessing(int nativeSize, int imageSize, Normalize normalize) {

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if a size is out of range
     * @throws NullPointerException if {@code normalize} is null
     */
    public EvalPreprocessing {
        if (nativeSize < 0) {
            throw new IllegalArgumentException("nativeSize must be >= 0 (0: none), got " + nativeSize);
        }
        if (imageSize <= 0) {
            throw new IllegalArgumentException("imageSize must be > 0, got " + imageSize);
        }
        Objects.requireNonNull(normalize, "normalize");
    }

    /**
     * The evaluation transform applied after the native-size fix-up.
     *
     * @param nativeSize the dataset's native image size, or 0 for none
     * @param size the model's input size
     * @param normalize the per-channel normalisation
     * @return the transform
     */
    public static Transform evalTransform(int nativeSize, int size, Normalize normalize) {
        if (nativeSize > 0) {
            return size == nativeSize ? normalize : Transforms.compose(new Resize(size), normalize);
        }
        return Transforms.compose(new Resize((int) Math.round(size * 256.0 / 224.0)), new CenterCrop(size),
                normalize);
    }

    /**
     * Preprocesses one decoded image.
     *
     * @param decoded the image, {@code CHW} floats in {@code [0, 1]}
     * @return the model's input, {@code CHW}
     */
    public Image apply(Image decoded) {
        Image img = decoded;
        if (nativeSize > 0 && (img.height() != nativeSize || img.width() != nativeSize)) {
            img = new Resize(nativeSize).apply(img, new SplittableRandom(0));
            img = new CenterCrop(nativeSize).apply(img, new SplittableRandom(0));
        }
        return evalTransform(nativeSize, imageSize, normalize).apply(img, new SplittableRandom(0));
    }
}
