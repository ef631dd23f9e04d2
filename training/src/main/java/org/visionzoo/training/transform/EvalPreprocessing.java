package org.visionzoo.training.transform;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The evaluation preprocessing of one decoded image, as {@code zoo predict} applies it: shared by
 * the command line and the Spark transformer so that both give the same answers.
 *
 * <p>With a {@code nativeSize} (a dataset's own size, e.g. 32 for CIFAR-10, 28 for Fashion-MNIST)
 * an image of another size is first resized and centre-cropped to it; the image is then resized
 * to {@code imageSize} if that differs, and normalised. Without one (0) the model's torchvision
 * evaluation preset applies ({@link EvalPreset#forModel}): the resize and interpolation of its
 * default weights where the catalogue has them for this crop size, else the short side resized to
 * {@code round(imageSize * 256 / 224)} (bilinear); antialiased as PIL; centre crop; normalise.
 *
 * @param model the registry name, or {@code null} for torchvision's defaults
 * @param nativeSize the dataset's native image size, or 0 for none
 * @param imageSize the model's input size, {@code > 0}
 * @param normalize the per-channel normalisation
 */
public record EvalPreprocessing(String model, int nativeSize, int imageSize, Normalize normalize) {

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
     * The transform after the native-size step: a resize to {@code size} when it differs from the
     * native size, or the model's evaluation preset when there is none; then normalisation.
     *
     * @param model the registry name, or {@code null} for torchvision's defaults
     * @param nativeSize the dataset's native size, or 0
     * @param size the model's input size
     * @param normalize the normalisation
     * @return the transform
     */
    public static Transform evalTransform(String model, int nativeSize, int size, Normalize normalize) {
        if (nativeSize > 0) {
            return size == nativeSize ? normalize : Transforms.compose(new Resize(size), normalize);
        }
        return EvalPreset.forModel(model, size, normalize);
    }

    /**
     * Preprocesses one decoded image.
     *
     * @param decoded the image, values in {@code [0, 1]}
     * @return the model's input image
     */
    public Image apply(Image decoded) {
        return apply(decoded, nativeSize, evalTransform(model, nativeSize, imageSize, normalize));
    }

    /**
     * Preprocesses one decoded image with a given evaluation transform (e.g. the preset of
     * particular pretrained weights): the native-size step, then the transform.
     *
     * @param decoded the image, values in {@code [0, 1]}
     * @param nativeSize the dataset's native size, or 0
     * @param eval the evaluation transform (deterministic)
     * @return the model's input image
     */
    public static Image apply(Image decoded, int nativeSize, Transform eval) {
        Image img = decoded;
        if (nativeSize > 0 && (img.height() != nativeSize || img.width() != nativeSize)) {
            img = new Resize(nativeSize).apply(img, new SplittableRandom(0));
            img = new CenterCrop(nativeSize).apply(img, new SplittableRandom(0));
        }
        return eval.apply(img, new SplittableRandom(0));
    }
}
