package org.visionzoo.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

/**
 * A backward pass without a {@code GradientCollector}: DJL allows one collector per JVM at a
 * time, and the platform self-check ({@link KernelSelfCheck}) must compute gradients of its own
 * small graphs while a training step holds the collector. libtorch's backward is reached
 * reflectively, as {@link GradMode} reaches its grad-mode switch ({@code ai.djl:api} is the only
 * compile dependency).
 */
final class Autograd {

    private static final MethodHandle BACKWARD = TorchJni.find("backward",
            MethodType.methodType(void.class, NDArray.class, NDArray.class, boolean.class, boolean.class));

    private Autograd() {}

    /**
     * Whether {@link #backward} works with the current engine.
     *
     * @return true on the PyTorch engine
     */
    static boolean available() {
        return BACKWARD != null && "PyTorch".equals(Engine.getInstance().getEngineName());
    }

    /**
     * Accumulates into the {@code .grad} of every leaf that {@code target} depends on the gradient
     * of {@code sum(target * gradient)}, then frees the graph.
     *
     * @param target an array computed with grad mode on
     * @param gradient the gradient of the target, same shape
     * @throws IllegalStateException if the engine is not PyTorch
     */
    static void backward(NDArray target, NDArray gradient) {
        if (!available()) {
            throw new IllegalStateException("gradients need the PyTorch engine, got "
                    + Engine.getInstance().getEngineName());
        }
        try {
            BACKWARD.invokeExact(target, gradient, false, false);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("backward pass failed", t);
        }
    }
}
