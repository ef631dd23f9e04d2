package org.visionzoo.core.pretrained;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the {@link WeightsCatalogue}: torchvision's {@code <Model>_Weights.<TAG>}.
 *
 * @param model VisionZoo's (and torchvision's) model name, e.g. {@code resnet50}
 * @param tag the enum member, e.g. {@code IMAGENET1K_V2}
 * @param isDefault whether torchvision's {@code DEFAULT} is this entry
 * @param url where torchvision downloads the file
 * @param file the file name (the last part of the URL), e.g. {@code resnet50-11ad3fa6.pth}
 * @param sha256Prefix the leading hex digits of the file's SHA-256 digest, from its name
 * @param acc1 published ImageNet-1K top-1 accuracy, percent
 * @param acc5 published ImageNet-1K top-5 accuracy, percent
 * @param numParams the parameter count
 * @param recipe the link to the training recipe
 * @param transform the evaluation transform the accuracies were measured with
 * @param categories the class names, index by index
 */
public record PretrainedWeights(String model, String tag, boolean isDefault, URI url, String file,
        String sha256Prefix, double acc1, double acc5, long numParams, String recipe, EvalTransform transform,
        List<String> categories) {

    /** Validates the entry. */
    public PretrainedWeights {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(transform, "transform");
        categories = List.copyOf(categories);
        if (!sha256Prefix.matches("[0-9a-f]{8,64}")) {
            throw new IllegalArgumentException(model + " " + tag + ": expected a SHA-256 prefix of 8 to 64 lower-case"
                    + " hex digits, got '" + sha256Prefix + "'");
        }
        if (!file.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(model + " " + tag + ": expected a plain file name, got '" + file + "'");
        }
    }

    /**
     * Returns {@code model:TAG}, the form the command line takes.
     *
     * @return the id
     */
    public String id() {
        return model + ":" + tag;
    }

    /**
     * Returns the size of the float32 parameters in bytes ({@code 4 * numParams}; the file is a
     * little larger: it also holds batch-norm statistics and a header).
     *
     * @return the approximate file size
     */
    public long approximateBytes() {
        return 4 * numParams;
    }
}
