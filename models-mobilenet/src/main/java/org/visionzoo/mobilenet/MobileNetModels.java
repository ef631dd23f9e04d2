package org.visionzoo.mobilenet;

import org.visionzoo.core.model.ModelProvider;
import org.visionzoo.core.model.ModelSpec;

import java.util.Arrays;
import java.util.List;

/** Registers the {@link MobileNetVariant}s with {@link org.visionzoo.core.model.Models}. */
public final class MobileNetModels implements ModelProvider {

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public MobileNetModels() {}

    @Override
    public List<ModelSpec> models() {
        return Arrays.stream(MobileNetVariant.values()).map(MobileNetVariant::spec).toList();
    }
}
