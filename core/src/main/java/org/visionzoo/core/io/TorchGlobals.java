package org.visionzoo.core.io;

import static org.visionzoo.core.io.TorchPickle.MAX_DIMS;
import static org.visionzoo.core.io.TorchPickle.NONE;
import static org.visionzoo.core.io.TorchPickle.STORAGES;
import static org.visionzoo.core.io.TorchPickle.describe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.visionzoo.core.io.TorchPickle.Global;
import org.visionzoo.core.io.TorchPickle.PersistentLoader;
import org.visionzoo.core.io.TorchPickle.Storage;
import org.visionzoo.core.io.TorchPickle.Tensor;
import org.visionzoo.core.io.TorchPickle.Tuple;

/**
 * The torch-specific half of {@link TorchPickle}: the allow-list of globals, what calling them rebuilds
 * (an {@code OrderedDict}, a tensor, a parameter), the storages behind {@code BINPERSID}, and which
 * {@code BUILD}s are accepted. Errors are reported at the opcode {@link PickleMachine} is reading.
 */
final class TorchGlobals {

    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");
    private static final Global REBUILD_TENSOR_V1 = new Global("torch._utils", "_rebuild_tensor");

    private final PickleMachine machine;
    private final PersistentLoader loader;
    private final Set<Object> orderedDicts = Collections.newSetFromMap(new IdentityHashMap<>());

    TorchGlobals(PickleMachine machine, PersistentLoader loader) {
        this.machine = machine;
        this.loader = loader;
    }

    private TensorFormatException error(String problem) {
        return machine.error(problem);
    }

    Global global(String module, String name) throws TensorFormatException {
        Global g = new Global(module, name);
        boolean storage = module.equals("torch") && STORAGES.containsKey(name);
        if (!(storage || g.equals(ORDERED_DICT) || g.equals(REBUILD_TENSOR) || g.equals(REBUILD_PARAMETER)
                || g.equals(REBUILD_TENSOR_V1))) {
            throw error("global '" + g.qualified() + "' is not allowed; a weights file may only name"
                    + " collections.OrderedDict, torch._utils._rebuild_tensor(_v2),"
                    + " torch._utils._rebuild_parameter and torch's typed storage classes"
                    + " (nothing is imported or run)");
        }
        return g;
    }

    Object reduce(Object callable, Object args) throws TensorFormatException {
        if (!(callable instanceof Global g)) {
            throw error("REDUCE calls " + describe(callable) + "; only allowed globals may be called");
        }
        if (!(args instanceof Tuple t)) {
            throw error("REDUCE on " + g.qualified() + " with " + describe(args) + " as arguments, expected a tuple");
        }
        List<Object> a = t.items();
        if (g.equals(ORDERED_DICT)) {
            if (!a.isEmpty()) {
                throw error("collections.OrderedDict called with " + a.size() + " arguments, expected none");
            }
            LinkedHashMap<Object, Object> dict = new LinkedHashMap<>();
            orderedDicts.add(dict);
            return dict;
        }
        if (g.equals(REBUILD_TENSOR)) {
            return rebuildTensor(a);
        }
        if (g.equals(REBUILD_TENSOR_V1)) {
            // torch before 0.4: (storage, offset, size, stride)
            if (a.size() != 4) {
                throw error("torch._utils._rebuild_tensor called with " + a.size() + " arguments, expected 4");
            }
            List<Object> v2 = new ArrayList<>(a);
            v2.add(Boolean.FALSE);
            v2.add(new LinkedHashMap<>());
            return rebuildTensor(v2);
        }
        if (g.equals(REBUILD_PARAMETER)) {
            if (a.size() != 3 || !(a.get(0) instanceof Tensor tensor) || !(a.get(1) instanceof Boolean)
                    || !isEmptyDict(a.get(2))) {
                throw error("torch._utils._rebuild_parameter expects (tensor, requires_grad, empty hooks)");
            }
            return tensor;
        }
        throw error("REDUCE on " + g.qualified() + ", which is only allowed as a storage type");
    }

    private static boolean isEmptyDict(Object o) {
        return o instanceof LinkedHashMap<?, ?> m && m.isEmpty();
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])}. */
    private Tensor rebuildTensor(List<Object> a) throws TensorFormatException {
        String what = "torch._utils._rebuild_tensor_v2";
        if (a.size() != 6 && a.size() != 7) {
            throw error(what + " called with " + a.size() + " arguments, expected 6 or 7");
        }
        if (!(a.get(0) instanceof Storage storage)) {
            throw error(what + ": the storage is " + describe(a.get(0)));
        }
        if (!(a.get(1) instanceof Long offset)) {
            throw error(what + ": the storage offset is " + describe(a.get(1)) + ", expected an int");
        }
        long[] size = longs(a.get(2), what + ": the size");
        long[] stride = longs(a.get(3), what + ": the stride");
        if (!(a.get(4) instanceof Boolean) || !isEmptyDict(a.get(5))
                || (a.size() == 7 && a.get(6) != NONE && !(a.get(6) instanceof LinkedHashMap))) {
            throw error(what + ": expected requires_grad (a bool), empty backward hooks and optional metadata");
        }
        if (size.length != stride.length) {
            throw error(what + ": " + size.length + " sizes but " + stride.length + " strides");
        }
        checkView(storage, offset, size, stride);
        return new Tensor(storage, offset, size, stride);
    }

    private long[] longs(Object o, String what) throws TensorFormatException {
        if (!(o instanceof Tuple t)) {
            throw error(what + " is " + describe(o) + ", expected a tuple of ints");
        }
        if (t.items().size() > MAX_DIMS) {
            throw error(what + " has " + t.items().size() + " dimensions (at most " + MAX_DIMS + ")");
        }
        long[] v = new long[t.items().size()];
        for (int i = 0; i < v.length; i++) {
            if (!(t.items().get(i) instanceof Long l)) {
                throw error(what + " holds " + describe(t.items().get(i)) + ", expected ints");
            }
            v[i] = l;
        }
        return v;
    }

    /** Checks that a view lies within its storage: no negative sizes or strides, no overflow. */
    private void checkView(Storage storage, long offset, long[] size, long[] stride) throws TensorFormatException {
        String view = "a tensor of size " + java.util.Arrays.toString(size) + ", stride "
                + java.util.Arrays.toString(stride) + " at offset " + offset + " of storage '" + storage.key()
                + "' (" + storage.numel() + " elements)";
        if (offset < 0) {
            throw error(view + ": negative storage offset");
        }
        boolean empty = false;
        for (int i = 0; i < size.length; i++) {
            if (size[i] < 0) {
                throw error(view + ": negative size");
            }
            if (stride[i] < 0) {
                throw error(view + ": negative stride");
            }
            empty |= size[i] == 0;
        }
        if (empty) {
            if (offset > storage.numel()) {
                throw error(view + ": the offset lies past the end of the storage");
            }
            return;
        }
        try {
            long last = offset;
            TensorData.numel(size);
            for (int i = 0; i < size.length; i++) {
                last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
            }
            if (last >= storage.numel()) {
                throw error(view + ": it reaches element " + last + ", past the end of the storage");
            }
        } catch (ArithmeticException e) {
            throw error(view + ": the extent overflows");
        }
    }

    Storage persistent(Object pid) throws TensorFormatException {
        if (!(pid instanceof Tuple t) || t.items().size() < 5 || t.items().size() > 6
                || !"storage".equals(t.items().get(0))) {
            throw error("a persistent id is " + describe(pid)
                    + ", expected ('storage', type, key, location, numel)");
        }
        List<Object> a = t.items();
        if (a.size() == 6 && a.get(5) != NONE) {
            // The legacy format's view_metadata: storages that are views of others (torch before 0.4).
            throw error("a storage view (view_metadata of the legacy format) is not supported; re-save the"
                    + " file with a current torch: torch.save(torch.load(\"old.pth\"), \"new.pth\")");
        }
        if (!(a.get(1) instanceof Global g) || !g.module().equals("torch") || !STORAGES.containsKey(g.name())) {
            throw error("a storage's type is " + describe(a.get(1)) + ", expected a torch storage class");
        }
        if (!(a.get(2) instanceof String key) || !(a.get(3) instanceof String)
                || !(a.get(4) instanceof Long numel)) {
            throw error("a storage's key, location and size are not (str, str, int)");
        }
        if (numel < 0) {
            throw error("storage '" + key + "' declares " + numel + " elements");
        }
        return loader.load(g.name(), STORAGES.get(g.name()), key, numel);
    }

    void build(Object target, Object state) throws TensorFormatException {
        if (!orderedDicts.contains(target)) {
            throw error("BUILD on " + describe(target) + "; only an OrderedDict's attributes may be set");
        }
        if (!(state == NONE || state instanceof LinkedHashMap)) {
            throw error("BUILD on an OrderedDict with " + describe(state) + " as state, expected a dict");
        }
        // The attributes (torch.save writes _metadata, the modules' versions) are not needed.
    }
}
