package org.visionzoo.resnet;

import org.visionzoo.core.model.ModelProvider;
import org.visionzoo.core.model.ModelSpec;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Registers the {@link ResNetVariant}s and {@link CifarResNetVariant}s with {@link org.visionzoo.core.model.Models}. */
public final class ResNetModels implements ModelProvider {

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public ResNetModels() {}

    @Override
    public List<ModelSpec> models() {
        return Stream.concat(
                        Arrays.stream(ResNetVariant.values()).map(ResNetVariant::spec),
                        Arrays.stream(CifarResNetVariant.values()).map(CifarResNetVariant::spec))
                .toList();
    }
}
