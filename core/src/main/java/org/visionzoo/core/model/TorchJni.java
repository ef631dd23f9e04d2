package org.visionzoo.core.model;

import ai.djl.ndarray.NDArray;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * libtorch functions that DJL's {@code ai.djl.api} does not expose (grad mode, a collector-free
 * backward pass, the thread count), reached reflectively in the PyTorch engine's
 * {@code JniUtils}: VisionZoo's library modules depend on {@code ai.djl:api} only, so with another
 * engine the lookup finds nothing and callers fall back.
 */
public final class TorchJni {

    private static final String JNI_UTILS = "ai.djl.pytorch.jni.JniUtils";
    private static final String PT_NDARRAY = "ai.djl.pytorch.engine.PtNDArray";

    private TorchJni() {}

    /**
     * Finds a static method of {@code JniUtils}.
     *
     * @param name the method's name, such as {@code "setNumThreads"}
     * @param type its type as the caller invokes it, where {@link NDArray} stands for the engine's
     *     array class
     * @return a handle of exactly {@code type}, or {@code null} when the PyTorch engine (or that
     *     method) is not on the class path
     */
    public static MethodHandle find(String name, MethodType type) {
        try {
            Class<?> jni = Class.forName(JNI_UTILS);
            MethodType engineType = type;
            for (int i = 0; i < type.parameterCount(); i++) {
                if (type.parameterType(i) == NDArray.class) {
                    engineType = engineType.changeParameterType(i, Class.forName(PT_NDARRAY));
                }
            }
            return MethodHandles.publicLookup().findStatic(jni, name, engineType).asType(type);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
