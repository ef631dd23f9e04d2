package org.visionzoo.spark;

import ai.djl.engine.Engine;

import org.visionzoo.core.model.TorchJni;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

/** Sets libtorch's intra-op threads for the calling thread (a Spark task's thread). */
final class Threads {

    /** libtorch's {@code set_num_threads}; {@code null} on another engine, whose own setting applies. */
    private static final MethodHandle SET =
            TorchJni.find("setNumThreads", MethodType.methodType(void.class, int.class));

    private Threads() {}

    /**
     * Sets the intra-op threads of the forward passes run by this thread (libtorch's {@code
     * set_num_threads}; with its OpenMP build the setting applies to the calling thread's parallel
     * regions, and becomes the default of threads that start later).
     */
    static void set(int threads) {
        if (threads <= 0 || SET == null) {
            return;
        }
        try {
            Engine.getInstance(); // the native library is loaded with the engine
            SET.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("could not set libtorch's threads to " + threads, t);
        }
    }
}
