package org.visionzoo.densenet;

import org.visionzoo.core.model.ModelProvider;
import org.visionzoo.core.model.ModelSpec;

import java.util.Arrays;
import java.util.List;

/** Registers the {@link DenseNetVariant}s with {@link org.visionzoo.core.model.Models}. */
public final class DenseNetModels implements ModelProvider {

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public DenseNetModels() {}

    @Override
    public List<ModelSpec> models() {
        return Arrays.stream(DenseNetVariant.values()).map(DenseNetVariant::spec).toList();
    }
}
