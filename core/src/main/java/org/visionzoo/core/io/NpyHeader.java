package org.visionzoo.core.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The dictionary of an {@code .npy} header, e.g. {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }}, parsed by hand: it is a Python literal, which must never be evaluated, and
 * only strings, booleans, integers and tuples of integers may appear in it.
 */
final class NpyHeader {

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /** What {@link #peek()} returns at the end of the text. */
    private static final int END = -1;

    /** The header's fields, with the shape checked to be non-negative. */
    record Fields(String descr, boolean fortranOrder, long[] shape) {}

    private final String source;
    private final String text;
    private int pos;

    private NpyHeader(String source, String text) {
        this.source = source;
        this.text = text;
    }

    /**
     * Parses a header dictionary.
     *
     * @param source the file or entry, for messages
     * @param text the dictionary, possibly followed by padding
     * @throws TensorFormatException if it is not a dictionary of exactly the three keys, with a
     *     string descr, a boolean fortran_order and a tuple of non-negative integers as shape
     */
    static Fields parse(String source, String text) throws TensorFormatException {
        return new NpyHeader(source, text).fields();
    }

    /** Formats the dictionary as {@code numpy.save} does, without padding. */
    static String format(String descr, long[] shape) {
        String dims =
                Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        // Python's repr of a 1-tuple needs the trailing comma: (5,)
        String tuple = "(" + dims + (shape.length == 1 ? ",)" : ")");
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
    }

    private Fields fields() throws TensorFormatException {
        Map<String, Object> dict = dictionary();
        for (String key : KEYS) {
            if (!dict.containsKey(key)) {
                throw error("expected the key '" + key + "' in the header, found none");
            }
        }
        String descr = cast(dict, "descr", String.class, "a string");
        boolean fortranOrder = cast(dict, "fortran_order", Boolean.class, "True or False");
        long[] shape = cast(dict, "shape", long[].class, "a tuple of integers");
        if (Arrays.stream(shape).anyMatch(dim -> dim < 0)) {
            throw error("expected non-negative dimensions, found shape " + Arrays.toString(shape));
        }
        return new Fields(descr, fortranOrder, shape);
    }

    private Map<String, Object> dictionary() throws TensorFormatException {
        Map<String, Object> dict = new HashMap<>();
        expect('{');
        while (peek() != '}') {
            String key = string();
            if (!KEYS.contains(key)) {
                throw error("unexpected key '" + key + "' in the header; expected " + KEYS);
            }
            expect(':');
            if (dict.put(key, value()) != null) {
                throw error("duplicate key '" + key + "' in the header");
            }
            if (peek() != '}') {
                expect(',');
            }
        }
        expect('}');
        if (peek() != END) {
            throw error("unexpected '" + text.charAt(pos) + "' after the header dictionary");
        }
        return dict;
    }

    private Object value() throws TensorFormatException {
        int c = peek();
        if (c == '\'' || c == '"') {
            return string();
        }
        if (c == '(') {
            return tuple();
        }
        if (text.startsWith("True", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("False", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        if (c == '[') {
            // A list descr is a structured dtype; report it as such rather than as bad syntax.
            throw error("structured dtypes (a list as descr) are not supported");
        }
        throw unexpected("a string, True, False or a tuple");
    }

    private String string() throws TensorFormatException {
        int quote = peek();
        if (quote != '\'' && quote != '"') {
            throw unexpected("a quoted string");
        }
        int end = text.indexOf(quote, pos + 1);
        if (end < 0) {
            throw error("unterminated string at position " + pos + " of the header");
        }
        String value = text.substring(pos + 1, end);
        if (value.indexOf('\\') >= 0) {
            throw error("unsupported escape in string " + text.substring(pos, end + 1));
        }
        pos = end + 1;
        return value;
    }

    private long[] tuple() throws TensorFormatException {
        List<Long> values = new ArrayList<>();
        expect('(');
        while (peek() != ')') {
            if (values.size() == TensorData.MAX_DIMS) {
                throw error("expected at most " + TensorData.MAX_DIMS + " dimensions in the shape");
            }
            values.add(integer());
            if (peek() != ')') {
                expect(',');
            }
        }
        expect(')');
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private long integer() throws TensorFormatException {
        peek(); // skips white space
        int start = pos;
        if (pos < text.length() && text.charAt(pos) == '-') {
            pos++;
        }
        while (pos < text.length() && isAsciiDigit(text.charAt(pos))) {
            pos++;
        }
        String literal = text.substring(start, pos);
        // Python 2 wrote longs with a suffix: (3L, 4L)
        if (pos < text.length() && text.charAt(pos) == 'L') {
            pos++;
        }
        try {
            return Long.parseLong(literal);
        } catch (NumberFormatException e) {
            pos = start;
            throw unexpected("an integer");
        }
    }

    /** Skips white space and returns the next character, or {@link #END} at the end. */
    private int peek() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        return pos < text.length() ? text.charAt(pos) : END;
    }

    private static boolean isAsciiDigit(char c) {
        // Character.isDigit would admit other scripts' digits, which Python rejects here.
        return c >= '0' && c <= '9';
    }

    private void expect(char c) throws TensorFormatException {
        if (peek() != c) {
            throw unexpected("'" + c + "'");
        }
        pos++;
    }

    private <T> T cast(Map<String, Object> dict, String key, Class<T> type, String expected)
            throws TensorFormatException {
        Object value = dict.get(key);
        if (!type.isInstance(value)) {
            throw error("expected " + key + " to be " + expected + ", found " + describe(value));
        }
        return type.cast(value);
    }

    private static String describe(Object value) {
        return value instanceof long[] tuple ? Arrays.toString(tuple) : String.valueOf(value);
    }

    private TensorFormatException unexpected(String expected) {
        String found = pos < text.length() ? "'" + text.charAt(pos) + "'" : "the end";
        return error(
                "malformed header: expected "
                        + expected
                        + " at position "
                        + pos
                        + ", found "
                        + found);
    }

    private TensorFormatException error(String problem) {
        return new TensorFormatException(source, problem);
    }
}
