package dev.smezo.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A GGUF array: an element type and the elements, all of that type. Arrays of arrays are allowed
 * by the GGUF spec (each element then carries its own element type and count) though ggml's own
 * reader refuses them; smezo reads and writes them up to {@link #MAX_DEPTH} levels.
 *
 * <p>Arrays read from a file, and those made by the typed factories of {@link GgufValue}, keep
 * their elements packed (numbers as little-endian bytes, strings as their UTF-8 bytes): a
 * 150k-entry vocabulary is not 150k objects. Equality is {@link List} equality whatever the
 * representation.
 */
public record GgufArray(GgufValueType elementType, List<GgufValue> values) {

    /** Deepest nesting read or written: a plain array is depth 1. */
    public static final int MAX_DEPTH = 8;

    /** gguf.cpp's GGUF_MAX_ARRAY_ELEMENTS: ggml refuses longer arrays, so smezo neither reads nor writes them. */
    public static final long MAX_ELEMENTS = 1L << 30;

    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, "values");
        boolean trusted = (values instanceof PackedArray p && p.type() == elementType)
                || (values instanceof StringArray && elementType == GgufValueType.STRING);
        if (!trusted) {
            values = List.copyOf(values);
            for (int i = 0; i < values.size(); i++) {
                GgufValue v = values.get(i);
                if (v.type() != elementType) {
                    throw new IllegalArgumentException("element " + i + " is a " + v.type() + " in an array of " + elementType);
                }
            }
        }
        if (values.size() > MAX_ELEMENTS) {
            throw new IllegalArgumentException("array of " + values.size() + " elements exceeds GGUF's maximum " + MAX_ELEMENTS);
        }
        if (elementType == GgufValueType.ARRAY && depth(values, 1) > MAX_DEPTH) {
            throw new IllegalArgumentException("arrays nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private static int depth(List<GgufValue> values, int level) {
        if (level > MAX_DEPTH) return level;
        int max = level;
        for (GgufValue v : values) {
            GgufArray a = (GgufArray) v.value();
            max = Math.max(max, a.elementType == GgufValueType.ARRAY ? depth(a.values, level + 1) : level + 1);
        }
        return max;
    }

    public int size() {
        return values.size();
    }

    public GgufValue get(int i) {
        return values.get(i);
    }

    /** The strings of a STRING array. */
    public List<String> toStringList() {
        require(elementType == GgufValueType.STRING, "STRING");
        if (values instanceof StringArray s) {
            List<String> out = new ArrayList<>(s.size());
            for (int i = 0; i < s.size(); i++) out.add(s.string(i));
            return List.copyOf(out);
        }
        return values.stream().map(GgufValue::asString).toList();
    }

    /** The elements of an integer array widened to long ({@link GgufValue#asLong()}). */
    public long[] toLongArray() {
        require(elementType.isInteger(), "integer");
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i).asLong();
        return out;
    }

    /** The elements of an integer array; ArithmeticException if one does not fit an int. */
    public int[] toIntArray() {
        require(elementType.isInteger(), "integer");
        if (values instanceof PackedArray p && elementType == GgufValueType.INT32) {
            return p.data().toArray(Le.I32);
        }
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i).asInt();
        return out;
    }

    /** The elements of a numeric array as floats ({@link GgufValue#asFloat()}). */
    public float[] toFloatArray() {
        require(elementType.fixedSize() > 0 && elementType != GgufValueType.BOOL, "numeric");
        if (values instanceof PackedArray p && elementType == GgufValueType.FLOAT32) {
            return p.data().toArray(Le.F32);
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i).asFloat();
        return out;
    }

    private void require(boolean ok, String what) {
        if (!ok) throw new IllegalStateException("an array of " + elementType + " is not a " + what + " array");
    }

    /** Element type, count and the first few elements: vocabularies are long. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[").append(elementType).append(" x ").append(values.size());
        int shown = Math.min(values.size(), 8);
        for (int i = 0; i < shown; i++) {
            GgufValue v = values.get(i);
            sb.append(i == 0 ? ": " : ", ").append(v.type() == GgufValueType.STRING ? "\"" + v.value() + "\"" : v.value());
        }
        return sb.append(values.size() > shown ? ", ...]" : "]").toString();
    }
}
