package org.visionzoo.training.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import org.visionzoo.core.model.GradMode;
import org.visionzoo.core.weights.StateDict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The model's replicas on several devices, PyTorch's {@code DataParallel} semantics: each step
 * splits the batch across the replicas, {@link #reduceGradients sums} their gradients onto the
 * first device, where the one optimizer update runs, and {@link #broadcast copies} the weights and
 * the batch-norm statistics back (the statistics of the first device are kept). With one device
 * it holds just the model and every operation is a no-op.
 */
@SuppressWarnings("try") // GradMode handles only restore the mode on close
final class DataParallel implements AutoCloseable {

    private static final NDIndex ALL = new NDIndex(":");

    private final Block model;
    private final List<Device> devices;
    private final List<Block> replicas = new ArrayList<>();
    private final List<NDManager> managers = new ArrayList<>();

    /**
     * Checks that the model is initialised and on the first device, before anything is built
     * around it.
     *
     * @param model the model
     * @param devices the devices, or {@code null} for the model's own device only
     * @return the devices, the model's own when {@code devices} is {@code null}
     * @throws IllegalStateException if the model is not initialised
     * @throws IllegalArgumentException if the first device is not the model's
     */
    static List<Device> check(Block model, List<Device> devices) {
        Map<String, Parameter> params = StateDict.parameters(model);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalStateException("initialise the model before building a trainer (parameter "
                        + e.getKey() + " has no value), e.g. ImageClassifier.initialize(manager, imageSize)");
            }
        }
        Device primary = params.values().iterator().next().getArray().getDevice();
        List<Device> list = devices == null ? List.of(primary) : List.copyOf(devices);
        if (!list.get(0).equals(primary)) {
            throw new IllegalArgumentException("the model's parameters are on " + primary
                    + " but the first device is " + list.get(0)
                    + ": initialise the model with a manager on the first device");
        }
        return list;
    }

    /**
     * Makes the replicas and copies the model's weights into them.
     *
     * @param model the model, {@link #check checked}
     * @param devices the checked devices
     * @param factory makes a replica on a device's manager (needed with more than one device)
     * @throws IllegalArgumentException if a replica does not have the model's parameters
     */
    DataParallel(Block model, List<Device> devices, Function<NDManager, Block> factory) {
        this.model = model;
        this.devices = List.copyOf(devices);
        Map<String, Parameter> params = StateDict.parameters(model);
        replicas.add(model);
        managers.add(null);
        for (int i = 1; i < this.devices.size(); i++) {
            if (factory == null) {
                throw new IllegalArgumentException("training on " + this.devices.size()
                        + " devices needs a replica factory (Builder.devices(devices, factory))");
            }
            NDManager m = NDManager.newBaseManager(this.devices.get(i));
            managers.add(m);
            Block r = factory.apply(m);
            Map<String, Parameter> rp = StateDict.parameters(r);
            if (!rp.keySet().equals(params.keySet())) {
                throw new IllegalArgumentException("replica " + i + " does not have the model's parameters");
            }
            replicas.add(r);
        }
        broadcast();
    }

    /** The devices, the first being the primary. */
    List<Device> devices() {
        return devices;
    }

    /** The number of replicas, the model included. */
    int size() {
        return replicas.size();
    }

    /** Replica {@code r}; replica 0 is the model. */
    Block replica(int r) {
        return replicas.get(r);
    }

    /** The manager of replica {@code r}'s arrays, under which its step's scopes open. */
    NDManager managerOf(int r) {
        if (r == 0) {
            return model.getParameters().valueAt(0).getArray().getManager();
        }
        return managers.get(r);
    }

    /**
     * The images of replica {@code r}'s shard when a batch of {@code batchSize} is split across
     * {@code n} replicas: as even as possible, the first ones taking one more.
     */
    static int shardSize(int r, int n, int batchSize) {
        return batchSize / n + (r < batchSize % n ? 1 : 0);
    }

    /** Rows {@code start .. start+count-1} of a flat array of rows of {@code stride} values. */
    static float[] slice(float[] a, int start, int count, int stride) {
        return Arrays.copyOfRange(a, start * stride, (start + count) * stride);
    }

    /**
     * Adds the gradients of replicas {@code 1..used-1} to the primary's and zeroes every other
     * replica's.
     *
     * @param used the replicas that took part in the step (fewer than all for a small batch)
     */
    void reduceGradients(int used) {
        List<Map<String, Parameter>> maps = new ArrayList<>();
        for (Block r : replicas) {
            maps.add(StateDict.parameters(r));
        }
        GradMode mode = GradMode.disabled();
        try {
            for (Map.Entry<String, Parameter> e : maps.get(0).entrySet()) {
                if (!e.getValue().requiresGradient()) {
                    continue;
                }
                NDArray g0 = e.getValue().getArray().getGradient();
                try {
                    for (int r = 1; r < replicas.size(); r++) {
                        NDArray gr = maps.get(r).get(e.getKey()).getArray().getGradient();
                        try {
                            if (r < used) {
                                NDArray moved = gr.toDevice(g0.getDevice(), false);
                                g0.addi(moved);
                                if (moved != gr) {
                                    moved.close();
                                }
                            }
                            gr.muli(0f);
                        } finally {
                            gr.close();
                        }
                    }
                } finally {
                    g0.close();
                }
            }
        } finally {
            mode.close();
        }
    }

    /** Copies the primary's weights and statistics to the other replicas. */
    void broadcast() {
        if (replicas.size() == 1) {
            return;
        }
        Map<String, Parameter> primary = StateDict.parameters(model);
        GradMode mode = GradMode.disabled();
        try {
            for (int r = 1; r < replicas.size(); r++) {
                Map<String, Parameter> rp = StateDict.parameters(replicas.get(r));
                for (Map.Entry<String, Parameter> e : primary.entrySet()) {
                    NDArray dst = rp.get(e.getKey()).getArray();
                    NDArray src = e.getValue().getArray();
                    NDArray moved = src.toDevice(dst.getDevice(), false);
                    dst.set(ALL, moved);
                    if (moved != src) {
                        moved.close();
                    }
                }
            }
        } finally {
            mode.close();
        }
    }

    /** Frees the replicas (not the model). */
    @Override
    public void close() {
        for (NDManager m : managers) {
            if (m != null) {
                m.close();
            }
        }
    }
}
