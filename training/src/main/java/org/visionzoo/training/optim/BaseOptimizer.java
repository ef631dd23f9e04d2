package org.visionzoo.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;

import org.visionzoo.core.model.GradMode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Groups, named state buffers, step count, zeroGrad, state export/import. */
@SuppressWarnings("try") // GradMode handles only restore the mode on close
abstract class BaseOptimizer implements Optimizer {

    /** One parameter with its group's weight decay. */
    record Slot(String key, Parameter parameter, float weightDecay) {}

    private final List<ParamGroup> groups;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private int steps;

    BaseOptimizer(List<ParamGroup> groups) {
        this(groups, 0f);
    }

    /**
     * @param groups the groups
     * @param defaultWeightDecay the decay of groups without their own ({@link ParamGroup#of(Map)})
     */
    BaseOptimizer(List<ParamGroup> groups, float defaultWeightDecay) {
        Objects.requireNonNull(groups, "groups");
        this.groups = List.copyOf(groups);
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> names = new java.util.HashSet<>();
        for (ParamGroup g : this.groups) {
            for (Map.Entry<String, Parameter> e : g.parameters().entrySet()) {
                if (!names.add(e.getKey())) {
                    throw new IllegalArgumentException(
                            "parameter name " + e.getKey() + " appears in more than one group");
                }
                if (!seen.add(e.getValue())) {
                    throw new IllegalArgumentException(
                            "parameter " + e.getKey() + " appears twice in the groups");
                }
                slots.add(new Slot(e.getKey(), e.getValue(), g.weightDecayOr(defaultWeightDecay)));
            }
        }
    }

    /**
     * The groups this optimizer updates.
     *
     * @return the groups, in order
     */
    public List<ParamGroup> groups() {
        return groups;
    }

    /** The buffer names every parameter holds after the first step. */
    abstract List<String> bufferNames();

    /** Called once per step, after the step count was incremented, before the parameters. */
    void beginStep(float lr, int step) {}

    /** Updates one parameter; {@code grad} is closed by the caller. */
    abstract void update(Slot slot, NDArray param, NDArray grad, float lr);

    final NDArray buffer(Slot slot, String name) {
        return buffers.get(slot.key() + "." + name);
    }

    final void putBuffer(Slot slot, String name, NDArray value) {
        NDArray old = buffers.put(slot.key() + "." + name, value);
        if (old != null && old != value) {
            old.close();
        }
    }

    @Override
    public final void step(float lr) {
        if (!(lr >= 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and >= 0: " + lr);
        }
        try (GradMode ignored = GradMode.disabled()) {
            steps++;
            beginStep(lr, steps);
            for (Slot slot : slots) {
                NDArray param = slot.parameter().getArray();
                try (NDArray grad = param.getGradient()) {
                    update(slot, param, grad, lr);
                }
            }
        }
    }

    @Override
    public final void zeroGrad() {
        try (GradMode ignored = GradMode.disabled()) {
            for (Slot slot : slots) {
                NDArray param = slot.parameter().getArray();
                if (param.hasGradient()) {
                    try (NDArray grad = param.getGradient()) {
                        grad.muli(0f);
                    }
                }
            }
        }
    }

    @Override
    public final int stepCount() {
        return steps;
    }

    @Override
    public final Map<String, NDArray> state() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
    }

    @Override
    public final void loadState(Map<String, NDArray> state, int step) {
        Objects.requireNonNull(state, "state");
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0: " + step);
        }
        Map<String, Slot> expected = new LinkedHashMap<>();
        if (step > 0) {
            for (Slot slot : slots) {
                for (String b : bufferNames()) {
                    expected.put(slot.key() + "." + b, slot);
                }
            }
        }
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(state.keySet());
        Set<String> unknown = new TreeSet<>(state.keySet());
        unknown.removeAll(expected.keySet());
        List<String> shapes = new ArrayList<>();
        for (Map.Entry<String, Slot> e : expected.entrySet()) {
            NDArray src = state.get(e.getKey());
            if (src != null) {
                if (!src.getShape().equals(e.getValue().parameter().getArray().getShape())) {
                    shapes.add(e.getKey() + " has shape " + src.getShape() + ", expected "
                            + e.getValue().parameter().getArray().getShape());
                }
            }
        }
        if (!missing.isEmpty() || !unknown.isEmpty() || !shapes.isEmpty()) {
            StringBuilder sb = new StringBuilder("cannot load optimizer state for step " + step + ":");
            if (!missing.isEmpty()) {
                sb.append(" missing keys ").append(missing).append(';');
            }
            if (!unknown.isEmpty()) {
                sb.append(" unexpected keys ").append(unknown).append(';');
            }
            if (!shapes.isEmpty()) {
                sb.append(" shape mismatch: ").append(String.join(", ", shapes)).append(';');
            }
            sb.append(" expected buffers ").append(bufferNames()).append(" per parameter");
            throw new IllegalArgumentException(sb.toString());
        }
        try (GradMode ignored = GradMode.disabled()) {
            if (step == 0) {
                closeBuffers();
            }
            for (Map.Entry<String, Slot> e : expected.entrySet()) {
                NDArray dst = buffers.get(e.getKey());
                if (dst == null) {
                    dst = e.getValue().parameter().getArray().zerosLike();
                    buffers.put(e.getKey(), dst);
                }
                copyInto(state.get(e.getKey()), dst);
            }
        }
        steps = step;
    }

    // An indexed copy, not NDArray.set(Buffer): the latter makes libtorch print a deprecation
    // warning (AutoNonVariableTypeMode) on stderr.
    private static void copyInto(NDArray src, NDArray dst) {
        try (NDArray converted = src.toType(dst.getDataType(), true)) {
            NDArray moved = converted.toDevice(dst.getDevice(), false);
            dst.set(new NDIndex(":"), moved);
            if (moved != converted) {
                moved.close();
            }
        }
    }

    private void closeBuffers() {
        for (NDArray b : buffers.values()) {
            b.close();
        }
        buffers.clear();
    }

    @Override
    public void close() {
        closeBuffers();
    }
}
