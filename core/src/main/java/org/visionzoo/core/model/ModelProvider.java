package org.visionzoo.core.model;

import java.util.List;

/**
 * The service interface through which a family module registers its models. Implementations are
 * listed in {@code META-INF/services/org.visionzoo.core.model.ModelProvider} and found by {@link
 * java.util.ServiceLoader}.
 */
public interface ModelProvider {

    /**
     * Returns the models this provider registers.
     *
     * @return the entries, with names unique across all providers
     */
    List<ModelSpec> models();
}
