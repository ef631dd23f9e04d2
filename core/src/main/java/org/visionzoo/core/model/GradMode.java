package org.visionzoo.core.model;

import ai.djl.engine.Engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

/**
 * The calling thread's autograd mode.
 *
 * <p>libtorch keeps grad mode per thread, and DJL turns it off only on the thread that loads the
 * engine: an evaluation forward on any other thread records an autograd graph (and keeps its
 * buffers) when parameters require gradients. {@link #disabled()} turns it off for the current
 * thread and restores it on close. VisionZoo's library modules depend on {@code ai.djl:api} only,
 * so the PyTorch engine's switch is reached reflectively; with another engine this is a no-op.
 */
public final class GradMode implements AutoCloseable {

    private static final MethodHandle IS_GRAD_MODE =
            TorchJni.find("isGradMode", MethodType.methodType(boolean.class));
    private static final MethodHandle SET_GRAD_MODE =
            TorchJni.find("setGradMode", MethodType.methodType(void.class, boolean.class));

    private final boolean previous;

    private GradMode(boolean previous) {
        this.previous = previous;
    }

    /**
     * Turns grad mode off on the calling thread until the returned handle is closed (on the same
     * thread).
     *
     * @return the handle restoring the previous mode
     */
    public static GradMode disabled() {
        boolean was = isEnabled();
        set(false);
        return new GradMode(was);
    }

    /**
     * Turns grad mode on for the calling thread until the returned handle is closed (on the same
     * thread): operations record an autograd graph for inputs that require gradients, outside a
     * {@code GradientCollector} too.
     *
     * @return the handle restoring the previous mode
     */
    public static GradMode enabled() {
        boolean was = isEnabled();
        set(true);
        return new GradMode(was);
    }

    /**
     * Whether grad mode is on for the calling thread.
     *
     * @return true if operations record an autograd graph
     */
    public static boolean isEnabled() {
        if (!available()) {
            return false;
        }
        try {
            return (boolean) IS_GRAD_MODE.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read the PyTorch grad mode", t);
        }
    }

    private static void set(boolean enabled) {
        if (!available()) {
            return;
        }
        try {
            SET_GRAD_MODE.invokeExact(enabled);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot set the PyTorch grad mode", t);
        }
    }

    private static boolean available() {
        return SET_GRAD_MODE != null && "PyTorch".equals(Engine.getInstance().getEngineName());
    }

    @Override
    public void close() {
        set(previous);
    }
}
