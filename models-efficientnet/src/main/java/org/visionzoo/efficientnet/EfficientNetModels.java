package org.visionzoo.efficientnet;

import org.visionzoo.core.model.ModelProvider;
import org.visionzoo.core.model.ModelSpec;

import java.util.Arrays;
import java.util.List;

/** Registers the {@link EfficientNetVariant}s with {@link org.visionzoo.core.model.Models}. */
public final class EfficientNetModels implements ModelProvider {

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public EfficientNetModels() {}

    @Override
    public List<ModelSpec> models() {
        return Arrays.stream(EfficientNetVariant.values()).map(EfficientNetVariant::spec).toList();
    }
}
