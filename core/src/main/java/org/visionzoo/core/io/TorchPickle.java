package org.visionzoo.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");
    private static final Global REBUILD_TENSOR_V1 = new Global("torch._utils", "_rebuild_tensor");

    private final String source;
    private final ByteBuffer in;
    private final PersistentLoader loader;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final Set<Object> orderedDicts = Collections.newSetFromMap(new IdentityHashMap<>());
    private long objects;
    private int opPosition;

    private TorchPickle(String source, ByteBuffer in, PersistentLoader loader) {
        this.source = source;
        this.in = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.loader = loader;
    }

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
        TorchPickle p = new TorchPickle(source, pickle, loader);
        Object value = p.run();
        p.checkNesting(value);
        return new Loaded(value, p.in.position());
    }

    private TensorFormatException error(String problem) {
        return new TensorFormatException(source, "at byte " + opPosition + ": " + problem);
    }

    private Object run() throws TensorFormatException {
        while (true) {
            if (!in.hasRemaining()) {
                throw error("the pickle ends without a STOP opcode (truncated?)");
            }
            opPosition = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto < 2 || proto > 5) {
                        throw error("unsupported pickle protocol " + proto + " (expected 2 to 5)");
                    }
                }
                case 0x95 -> { // FRAME: a length hint only
                    long frame = in.remaining() >= 8 ? in.getLong() : -1;
                    if (frame < 0 || frame > in.remaining()) {
                        throw error("FRAME of " + frame + " bytes runs past the end of the pickle");
                    }
                }
                case '}' -> push(new LinkedHashMap<Object, Object>());
                case ']' -> push(new ArrayList<Object>());
                case ')' -> push(new Tuple(List.of()));
                case '(' -> {
                    if (marks.size() >= MAX_MARKS) {
                        throw error("more than " + MAX_MARKS + " nested MARKs");
                    }
                    marks.push(stack.size());
                }
                case 'X' -> push(string(u32()));
                case 0x8c -> push(string(u8()));
                case 'J' -> push((long) need(4).getInt());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (need(2).getShort() & 0xffff));
                case 0x8a -> push(long1());
                case 'G' -> push(need(8).order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT is big-endian
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'N' -> push(NONE);
                case 0x85 -> push(tuple(1));
                case 0x86 -> push(tuple(2));
                case 0x87 -> push(tuple(3));
                case 't' -> push(new Tuple(List.copyOf(popMark())));
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    setItems(peek(), List.of(key, value));
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    setItems(peek(), items);
                }
                case 'a' -> {
                    Object value = pop();
                    append(peek(), List.of(value));
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    append(peek(), items);
                }
                case 'q' -> put(u8());
                case 'r' -> put(u32());
                case 0x94 -> put(memo.size());
                case 'h' -> get(u8());
                case 'j' -> get(u32());
                case 'c' -> push(global(line(), line()));
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw error("STACK_GLOBAL expects two strings, got " + describe(module) + " and "
                                + describe(name));
                    }
                    push(global(m, n));
                }
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    push(reduce(callable, args));
                }
                case 'Q' -> push(persistent(pop()));
                case 'b' -> {
                    Object state = pop();
                    build(peek(), state);
                }
                case '.' -> {
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw error("STOP with " + stack.size() + " values on the stack and " + marks.size()
                                + " open marks (expected exactly one value)");
                    }
                    return stack.get(0);
                }
                default -> throw error("unsupported pickle opcode " + opcodeName(op)
                        + "; torch.save's state dicts use only plain containers, scalars and tensors");
            }
        }
    }

    // ------------------------------------------------------------------ reading the stream

    private ByteBuffer need(int n) throws TensorFormatException {
        if (in.remaining() < n) {
            throw error("the pickle ends inside an opcode's argument (truncated?)");
        }
        ByteBuffer slice = in.slice(in.position(), n).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + n);
        return slice;
    }

    private int u8() throws TensorFormatException {
        return need(1).get() & 0xff;
    }

    private long u32() throws TensorFormatException {
        return need(4).getInt() & 0xffffffffL;
    }

    private String string(long length) throws TensorFormatException {
        if (length > MAX_STRING) {
            throw error("a string of " + length + " bytes (at most " + MAX_STRING + ")");
        }
        ByteBuffer bytes = need((int) length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw error("a string is not valid UTF-8");
        }
    }

    /** A newline-terminated ASCII line of GLOBAL, at most 256 bytes. */
    private String line() throws TensorFormatException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) {
                throw error("the pickle ends inside GLOBAL's name (truncated?)");
            }
            int c = in.get() & 0xff;
            if (c == '\n') {
                return sb.toString();
            }
            if (c < 0x20 || c > 0x7e || sb.length() >= 256) {
                throw error("GLOBAL's name is not a short printable ASCII line");
            }
            sb.append((char) c);
        }
    }

    private long long1() throws TensorFormatException {
        int n = u8();
        if (n > 8) {
            throw error("an integer of " + n + " bytes (LONG1); at most 8 are supported");
        }
        ByteBuffer b = need(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b.get(i) & 0xff);
        }
        if (n > 0 && n < 8 && (b.get(n - 1) & 0x80) != 0) {
            v -= 1L << (8 * n); // two's complement sign of the top byte
        }
        return v;
    }

    // ------------------------------------------------------------------ the stack and the memo

    private void push(Object value) throws TensorFormatException {
        if (++objects > MAX_OBJECTS) {
            throw error("more than " + MAX_OBJECTS + " objects (a pickle bomb?)");
        }
        stack.add(value);
    }

    private Object pop() throws TensorFormatException {
        int floor = marks.isEmpty() ? 0 : marks.peek();
        if (stack.size() <= floor) {
            throw error("an opcode pops from an empty stack");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws TensorFormatException {
        int floor = marks.isEmpty() ? 0 : marks.peek();
        if (stack.size() <= floor) {
            throw error("an opcode needs a value on an empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws TensorFormatException {
        if (marks.isEmpty()) {
            throw error("an opcode needs a MARK, but none is open");
        }
        int start = marks.pop();
        List<Object> top = stack.subList(start, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private Tuple tuple(int n) throws TensorFormatException {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return new Tuple(List.of(items));
    }

    private void put(long index) throws TensorFormatException {
        Object value = peek();
        if (memo.size() >= MAX_OBJECTS && !memo.containsKey(index)) {
            throw error("more than " + MAX_OBJECTS + " memo entries (a memo bomb?)");
        }
        memo.put(index, value);
    }

    private void get(long index) throws TensorFormatException {
        Object value = memo.get(index);
        if (value == null) {
            throw error("memo entry " + index + " was never stored");
        }
        push(value);
    }

    // ------------------------------------------------------------------ containers

    @SuppressWarnings("unchecked")
    private void setItems(Object target, List<Object> items) throws TensorFormatException {
        if (!(target instanceof LinkedHashMap<?, ?> map)) {
            throw error("SETITEM(S) on " + describe(target) + ", expected a dict");
        }
        if (items.size() % 2 != 0) {
            throw error("SETITEMS with an odd number (" + items.size() + ") of keys and values");
        }
        Map<Object, Object> dict = (Map<Object, Object>) map;
        for (int i = 0; i < items.size(); i += 2) {
            Object key = items.get(i);
            if (!(key instanceof String || key instanceof Long || key instanceof Boolean
                    || key instanceof Double || key == NONE)) {
                throw error("a dict key is " + describe(key) + "; expected a str, int, float, bool or None");
            }
            dict.put(key, items.get(i + 1));
            countObject();
        }
    }

    @SuppressWarnings("unchecked")
    private void append(Object target, List<Object> items) throws TensorFormatException {
        if (!(target instanceof ArrayList<?> list)) {
            throw error("APPEND(S) on " + describe(target) + ", expected a list");
        }
        ((List<Object>) list).addAll(items);
        objects += items.size();
        if (objects > MAX_OBJECTS) {
            throw error("more than " + MAX_OBJECTS + " objects (a pickle bomb?)");
        }
    }

    private void countObject() throws TensorFormatException {
        if (++objects > MAX_OBJECTS) {
            throw error("more than " + MAX_OBJECTS + " objects (a pickle bomb?)");
        }
    }

    // ------------------------------------------------------------------ globals, calls, storages

    private Global global(String module, String name) throws TensorFormatException {
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

    private Object reduce(Object callable, Object args) throws TensorFormatException {
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

    private Storage persistent(Object pid) throws TensorFormatException {
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

    private void build(Object target, Object state) throws TensorFormatException {
        if (!orderedDicts.contains(target)) {
            throw error("BUILD on " + describe(target) + "; only an OrderedDict's attributes may be set");
        }
        if (!(state == NONE || state instanceof LinkedHashMap)) {
            throw error("BUILD on an OrderedDict with " + describe(state) + " as state, expected a dict");
        }
        // The attributes (torch.save writes _metadata, the modules' versions) are not needed.
    }

    // ------------------------------------------------------------------ after reading

    /** Checks nesting depth and cycles, visiting each container once (post-order, iteratively). */
    private void checkNesting(Object root) throws TensorFormatException {
        if (!isContainer(root)) {
            return;
        }
        Map<Object, Integer> height = new IdentityHashMap<>(); // finished container -> its height
        Set<Object> open = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Frame> work = new ArrayDeque<>();
        work.push(new Frame(root, children(root).iterator()));
        open.add(root);
        while (!work.isEmpty()) {
            Frame frame = work.peek();
            if (frame.children.hasNext()) {
                Object child = frame.children.next();
                if (!isContainer(child)) {
                    continue;
                }
                Integer h = height.get(child);
                if (h != null) {
                    frame.below = Math.max(frame.below, h);
                } else if (open.contains(child)) {
                    throw new TensorFormatException(source, "a container contains itself");
                } else if (work.size() >= MAX_DEPTH) {
                    throw nestedTooDeep();
                } else {
                    open.add(child);
                    work.push(new Frame(child, children(child).iterator()));
                }
            } else {
                work.pop();
                open.remove(frame.container);
                int h = frame.below + 1;
                if (h > MAX_DEPTH) {
                    throw nestedTooDeep();
                }
                height.put(frame.container, h);
                if (!work.isEmpty()) {
                    work.peek().below = Math.max(work.peek().below, h);
                }
            }
        }
    }

    /** A container being visited: its children not yet seen and the height of those seen. */
    private static final class Frame {
        final Object container;
        final java.util.Iterator<Object> children;
        int below;

        Frame(Object container, java.util.Iterator<Object> children) {
            this.container = container;
            this.children = children;
        }
    }

    private TensorFormatException nestedTooDeep() {
        return new TensorFormatException(source, "containers nested more than " + MAX_DEPTH + " levels deep");
    }

    private static boolean isContainer(Object o) {
        return o instanceof Tuple || o instanceof ArrayList || o instanceof LinkedHashMap;
    }

    private static Iterable<Object> children(Object o) {
        if (o instanceof Tuple t) {
            return t.items();
        }
        if (o instanceof LinkedHashMap<?, ?> m) {
            @SuppressWarnings("unchecked")
            Iterable<Object> values = (Iterable<Object>) m.values();
            return values;
        }
        @SuppressWarnings("unchecked")
        Iterable<Object> list = (Iterable<Object>) o;
        return list;
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

    private static String opcodeName(int op) {
        String name = switch (op) {
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 0x82, 0x83, 0x84 -> "EXT";
            case 'P' -> "PERSID";
            case 'I' -> "INT";
            case 'L' -> "LONG";
            case 0x8b -> "LONG4";
            case 'S' -> "STRING";
            case 'T' -> "BINSTRING";
            case 'U' -> "SHORT_BINSTRING";
            case 'V' -> "UNICODE";
            case 0x8d -> "BINUNICODE8";
            case 'B' -> "BINBYTES";
            case 'C' -> "SHORT_BINBYTES";
            case 0x8e -> "BINBYTES8";
            case 0x96 -> "BYTEARRAY8";
            case 0x97 -> "NEXT_BUFFER";
            case 0x98 -> "READONLY_BUFFER";
            case 'F' -> "FLOAT";
            case 'd' -> "DICT";
            case 'l' -> "LIST";
            case '0' -> "POP";
            case '1' -> "POP_MARK";
            case '2' -> "DUP";
            case 'g' -> "GET";
            case 'p' -> "PUT";
            case 0x8f -> "EMPTY_SET";
            case 0x90 -> "ADDITEMS";
            case 0x91 -> "FROZENSET";
            default -> "unknown";
        };
        return String.format(java.util.Locale.ROOT, "%s (0x%02x)", name, op);
    }
}
