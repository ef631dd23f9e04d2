package org.visionzoo.core.io;

import static org.visionzoo.core.io.TorchPickle.MAX_DEPTH;
import static org.visionzoo.core.io.TorchPickle.MAX_MARKS;
import static org.visionzoo.core.io.TorchPickle.MAX_OBJECTS;
import static org.visionzoo.core.io.TorchPickle.MAX_STRING;
import static org.visionzoo.core.io.TorchPickle.NONE;
import static org.visionzoo.core.io.TorchPickle.describe;

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
import org.visionzoo.core.io.TorchPickle.PersistentLoader;
import org.visionzoo.core.io.TorchPickle.Tuple;

/**
 * The opcode machine of {@link TorchPickle}: reads the opcodes, keeps the stack, the marks and the memo
 * within their bounds, and checks the result's nesting once it is read. What globals may be named, called
 * or built, and how storages and tensors are rebuilt, is {@link TorchGlobals}'s.
 */
final class PickleMachine {

    private final String source;
    private final ByteBuffer in;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final TorchGlobals torch;
    private long objects;
    private int opPosition;

    PickleMachine(String source, ByteBuffer in, PersistentLoader loader) {
        this.source = source;
        this.in = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.torch = new TorchGlobals(this, loader);
    }

    /** The position just past the STOP opcode, once {@link #run} has returned. */
    int position() {
        return in.position();
    }

    TensorFormatException error(String problem) {
        return new TensorFormatException(source, "at byte " + opPosition + ": " + problem);
    }

    Object run() throws TensorFormatException {
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
                case 'c' -> push(torch.global(line(), line()));
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw error("STACK_GLOBAL expects two strings, got " + describe(module) + " and "
                                + describe(name));
                    }
                    push(torch.global(m, n));
                }
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    push(torch.reduce(callable, args));
                }
                case 'Q' -> push(torch.persistent(pop()));
                case 'b' -> {
                    Object state = pop();
                    torch.build(peek(), state);
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

    // ------------------------------------------------------------------ after reading

    /** Checks nesting depth and cycles, visiting each container once (post-order, iteratively). */
    void checkNesting(Object root) throws TensorFormatException {
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
