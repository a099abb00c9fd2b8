package dev.smezo.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Strict JSON (RFC 8259): reading with Jackson's streaming parser, writing by hand.
 *
 * <p>{@link #parse} maps objects to {@link LinkedHashMap} (member order kept, duplicate names
 * rejected), arrays to {@link ArrayList}, strings to {@link String}, {@code true}/{@code false} to
 * {@link Boolean}, {@code null} to {@code null}, and numbers to {@link Long} when written without
 * fraction or exponent and within range, else {@link Double} (an integer past long's range becomes
 * the nearest double, a decimal past double's range an infinity, as {@link Double#parseDouble} has
 * them). Strict means: exactly one value with only JSON whitespace (space, tab, CR, LF) around it;
 * no comments, trailing commas, single quotes, leading zeros, NaN/Infinity, or raw control
 * characters in strings; numbers of at most 1000 characters. A leading byte-order mark is skipped.
 * Errors are {@link JsonException}s naming the 1-based line and column. {@link JsonLines} reads
 * files of one value per line.
 *
 * <p>{@link #write} is the inverse for the same types (plus any {@link Number}, {@link Map} with
 * string keys and {@link Iterable}); it writes compact JSON, non-ASCII as is.
 */
public final class Json {
    /** Deeper nesting than this is rejected, so hostile input cannot overflow the stack. */
    public static final int MAX_DEPTH = 512;

    private Json() {}

    /** Parses one JSON value; see the class comment for the mapping. */
    public static Object parse(String text) {
        int bom = text.startsWith("\uFEFF") ? 1 : 0;
        return JsonReader.parse(text.toCharArray(), bom, text.length() - bom, null, 1);
    }

    // ---------------------------------------------------------------- writer

    /**
     * Writes compact JSON: {@link Map} (string keys, iteration order), {@link Iterable}, {@link String},
     * {@link Boolean}, {@link Number} and {@code null}. Non-finite numbers and other types are
     * rejected with {@link IllegalArgumentException}, so a bad metrics file is never written.
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb);
        return sb.toString();
    }

    private static void write(Object v, StringBuilder sb) {
        switch (v) {
            case null -> sb.append("null");
            case String str -> quote(str, sb);
            case Boolean b -> sb.append(b);
            case Double d -> sb.append(finite(d, d.isNaN() || d.isInfinite()));
            case Float f -> sb.append(finite(f, f.isNaN() || f.isInfinite()));
            case Long _, Integer _, Short _, Byte _ -> sb.append(v);
            case Number n -> throw new IllegalArgumentException("unsupported number type " + n.getClass().getName());
            case Map<?, ?> map -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
                    }
                    if (!first) sb.append(',');
                    first = false;
                    quote(key, sb);
                    sb.append(':');
                    write(e.getValue(), sb);
                }
                sb.append('}');
            }
            case Iterable<?> list -> {
                sb.append('[');
                boolean first = true;
                for (Object item : list) {
                    if (!first) sb.append(',');
                    first = false;
                    write(item, sb);
                }
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
    }

    /** {@code d}, or null where JSON has no number for it (NaN, infinities): for values that may be undefined. */
    public static Object finiteOrNull(double d) {
        return Double.isFinite(d) ? (Object) d : null;
    }

    private static Object finite(Number n, boolean bad) {
        if (bad) throw new IllegalArgumentException("JSON has no representation for " + n);
        return n;
    }

    private static void quote(String str, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04X", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
