/**
 * The classifier contract ({@link org.visionzoo.core.model.ImageClassifier}), the model registry
 * ({@link org.visionzoo.core.model.Models}, fed by {@link org.visionzoo.core.model.ModelProvider}s
 * found with {@link java.util.ServiceLoader}), counting ({@link
 * org.visionzoo.core.model.ModelSummary}) and memory-safe inference ({@link
 * org.visionzoo.core.model.Inference}).
 */
package org.visionzoo.core.model;
