package org.visionzoo.core.io;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted unpickler for the {@code data.pkl} of a {@code torch.save} archive, no wider than
 * PyTorch's own {@code weights_only} loader and narrower in places. Nothing is ever called, imported
 * or instantiated by name: the allowed globals are recognised by their names and rebuilt here.
 *
 * <p>Values: {@code None} is {@link #NONE}; {@code bool}, {@code int} (up to 64 bits), {@code
 * float} and {@code str} are {@link Boolean}, {@link Long}, {@link Double} and {@link String};
 * {@code list} is an {@link ArrayList}, {@code tuple} a {@link Tuple}, {@code dict} and {@code
 * OrderedDict} a {@link LinkedHashMap} whose keys are {@code str}, {@code int}, {@code float},
 * {@code bool} or {@code None} (so that hashing never recurses); a tensor is a {@link Tensor}.
 *
 * <p>Opcodes: those {@code torch.save} writes with pickle protocol 2, plus protocol 4's framing,
 * short strings, {@code MEMOIZE} and {@code STACK_GLOBAL}. Any other opcode ({@code INST}, {@code
 * OBJ}, {@code NEWOBJ}, {@code EXT*}, text-mode opcodes...) is refused by name.
 *
 * <p>Globals: {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code
 * torch._utils._rebuild_parameter} and the typed storage classes listed in {@link #STORAGES}; any
 * other global is refused where it appears, before anything uses it. {@code BUILD} is accepted only
 * to set attributes (such as {@code _metadata}) on an {@code OrderedDict}, and ignored.
 *
 * <p>The opcode machine (the stack, the memo, the bounds) is {@link PickleMachine}; the allow-list
 * of globals and the rebuilding of tensors and storages is {@link TorchGlobals}.
 *
 * <p>Bounds: the pickle's size (checked by the caller), {@value #MAX_OBJECTS} objects created (the
 * stack, the memo and every container together), {@value #MAX_MARKS} open marks, strings of
 * {@value #MAX_STRING} bytes, container nesting of {@value #MAX_DEPTH} levels (checked once the
 * pickle is read, visiting each container once, so shared references cannot explode), and no
 * container may contain itself.
 */
final class TorchPickle {

    /** The most objects one pickle may create. */
    static final int MAX_OBJECTS = 4_000_000;
    /** The most marks open at once. */
    static final int MAX_MARKS = 1_000;
    /** The deepest nesting of containers in the result. */
    static final int MAX_DEPTH = 64;
    /** The longest string. */
    static final int MAX_STRING = 1 << 20;
    /** The most dimensions of a tensor, as in PyTorch. */
    static final int MAX_DIMS = TensorData.MAX_DIMS;

    /** Python's {@code None}. */
    enum None { NONE }

    /** Python's {@code None}. */
    static final None NONE = None.NONE;

    /**
     * A Python tuple.
     *
     * @param items the elements, unmodifiable
     */
    record Tuple(List<Object> items) {
        @Override
        public String toString() {
            return "tuple of " + items.size();
        }
    }

    /**
     * An allowed global, by its qualified name.
     *
     * @param module e.g. {@code torch._utils}
     * @param name e.g. {@code _rebuild_tensor_v2}
     */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /**
     * What the persistent-id callback returns for a storage: its element type and its bytes, which
     * the legacy format provides only after the pickle (see {@link #setBytes}).
     */
    static final class Storage {
        private final String key;
        private final DType dtype;
        private final long numel;
        private ByteBuffer bytes;

        /**
         * @param key the storage's key (the name of its entry under {@code data/})
         * @param dtype the element type
         * @param numel the number of elements
         * @param bytes the raw little-endian bytes, {@code numel * dtype.byteSize()} of them, or
         *     {@code null} until {@link #setBytes}
         */
        Storage(String key, DType dtype, long numel, ByteBuffer bytes) {
            this.key = key;
            this.dtype = dtype;
            this.numel = numel;
            this.bytes = bytes;
        }

        String key() {
            return key;
        }

        DType dtype() {
            return dtype;
        }

        long numel() {
            return numel;
        }

        ByteBuffer bytes() {
            return bytes;
        }

        void setBytes(ByteBuffer bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * A value and where its pickle ended, for the legacy format's pickles one after another.
     *
     * @param value the value
     * @param end the position just past its STOP opcode
     */
    record Loaded(Object value, int end) {}

    /**
     * A tensor: a view of a storage, checked to lie within it.
     *
     * @param storage the storage
     * @param offset the first element's index in the storage
     * @param size the dimensions
     * @param stride the step of each dimension, in elements
     */
    record Tensor(Storage storage, long offset, long[] size, long[] stride) {
        @Override
        public String toString() {
            return "tensor";
        }
    }

    /** Resolves {@code BINPERSID}'s argument to a storage. */
    @FunctionalInterface
    interface PersistentLoader {
        /**
         * @param typeName the storage class's name, e.g. {@code FloatStorage}
         * @param dtype its element type
         * @param key the storage's key
         * @param numel the declared number of elements
         * @return the storage
         * @throws TensorFormatException if there is no such storage or its size differs
         */
        Storage load(String typeName, DType dtype, String key, long numel) throws TensorFormatException;
    }

    /** The storage classes torch.save names, with their element types. */
    static final Map<String, DType> STORAGES = Map.of(
            "FloatStorage", DType.F32,
            "HalfStorage", DType.F16,
            "DoubleStorage", DType.F64,
            "BFloat16Storage", DType.BF16,
            "LongStorage", DType.I64,
            "IntStorage", DType.I32,
            "ShortStorage", DType.I16,
            "CharStorage", DType.I8,
            "ByteStorage", DType.U8,
            "BoolStorage", DType.BOOL);

    /**
     * Unpickles a {@code data.pkl}.
     *
     * @param source the pickle's name for messages, e.g. {@code /m/w.pth (entry 'w/data.pkl')}
     * @param pickle its bytes, from position to limit
     * @param loader resolves storages
     * @return the value
     * @throws TensorFormatException if the pickle is malformed, exceeds a bound, or uses anything
     *     outside the allow-list
     */
    static Object load(String source, ByteBuffer pickle, PersistentLoader loader) throws TensorFormatException {
        return loadAt(source, pickle, loader).value();
    }

    /**
     * Unpickles the pickle that starts at the buffer's position, which may be followed by more.
     *
     * @return the value and the absolute position just past its STOP opcode
     */
    static Loaded loadAt(String source, ByteBuffer pickle, PersistentLoader loader) throws TensorFormatException {
        PickleMachine p = new PickleMachine(source, pickle, loader);
        Object value = p.run();
        p.checkNesting(value);
        return new Loaded(value, p.position());
    }

    /** A short, non-recursive description of a value for messages. */
    static String describe(Object o) {
        if (o == NONE) {
            return "None";
        }
        if (o instanceof String) {
            return "a str";
        }
        if (o instanceof Long) {
            return "an int";
        }
        if (o instanceof Double) {
            return "a float";
        }
        if (o instanceof Boolean) {
            return "a bool";
        }
        if (o instanceof Tuple t) {
            return "a tuple of " + t.items().size();
        }
        if (o instanceof ArrayList<?> l) {
            return "a list of " + l.size();
        }
        if (o instanceof LinkedHashMap<?, ?> m) {
            return "a dict of " + m.size();
        }
        if (o instanceof Global g) {
            return "the global " + g.qualified();
        }
        if (o instanceof Storage s) {
            return "storage '" + s.key() + "'";
        }
        if (o instanceof Tensor) {
            return "a tensor";
        }
        return "a mark";
    }
}
