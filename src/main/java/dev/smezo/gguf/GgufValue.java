package dev.smezo.gguf;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A metadata value with its GGUF type kept, so that a read-then-write round trip is byte identical.
 *
 * <p>{@code value} holds, by type: UINT8/INT8 a Byte, UINT16/INT16 a Short, UINT32/INT32 an
 * Integer, UINT64/INT64 a Long (unsigned values keep their bits in the signed Java type of the
 * same width: u32 4294967295 is Integer -1), FLOAT32 a Float, FLOAT64 a Double, BOOL a Boolean,
 * STRING a String, ARRAY a {@link GgufArray}. The accessors widen unsigned values correctly.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Class<?> expected = switch (type) {
            case UINT8, INT8 -> Byte.class;
            case UINT16, INT16 -> Short.class;
            case UINT32, INT32 -> Integer.class;
            case UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (value.getClass() != expected) {
            throw new IllegalArgumentException(type + " value must be a " + expected.getSimpleName()
                    + ", not a " + value.getClass().getSimpleName());
        }
    }

    // ---- scalars ----

    public static GgufValue ofU8(int v) {
        return new GgufValue(GgufValueType.UINT8, (byte) checkRange(v, 0, 0xFF, "u8"));
    }

    public static GgufValue ofI8(int v) {
        return new GgufValue(GgufValueType.INT8, (byte) checkRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "i8"));
    }

    public static GgufValue ofU16(int v) {
        return new GgufValue(GgufValueType.UINT16, (short) checkRange(v, 0, 0xFFFF, "u16"));
    }

    public static GgufValue ofI16(int v) {
        return new GgufValue(GgufValueType.INT16, (short) checkRange(v, Short.MIN_VALUE, Short.MAX_VALUE, "i16"));
    }

    public static GgufValue ofU32(long v) {
        return new GgufValue(GgufValueType.UINT32, (int) checkRange(v, 0, 0xFFFF_FFFFL, "u32"));
    }

    public static GgufValue ofI32(int v) {
        return new GgufValue(GgufValueType.INT32, v);
    }

    /** A u64 from its bits: values above Long.MAX_VALUE are passed as negative longs. */
    public static GgufValue ofU64(long bits) {
        return new GgufValue(GgufValueType.UINT64, bits);
    }

    public static GgufValue ofI64(long v) {
        return new GgufValue(GgufValueType.INT64, v);
    }

    public static GgufValue ofF32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofF64(double v) {
        return new GgufValue(GgufValueType.FLOAT64, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, v);
    }

    /** @throws IllegalArgumentException if {@code v} has an unpaired surrogate (no UTF-8 form) */
    public static GgufValue ofString(String v) {
        utf8(v);
        return new GgufValue(GgufValueType.STRING, v);
    }

    // ---- arrays ----

    public static GgufValue ofArray(GgufArray a) {
        return new GgufValue(GgufValueType.ARRAY, a);
    }

    /** An array of {@code elementType} (ARRAY for nested arrays); every element must have that type. */
    public static GgufValue ofArray(GgufValueType elementType, List<GgufValue> values) {
        return ofArray(new GgufArray(elementType, values));
    }

    public static GgufValue ofStringArray(List<String> strings) {
        return ofArray(new GgufArray(GgufValueType.STRING, StringArray.of(strings)));
    }

    public static GgufValue ofU8Array(byte[] v) {
        return packed(GgufValueType.UINT8, MemorySegment.ofArray(v.clone()));
    }

    public static GgufValue ofI8Array(byte[] v) {
        return packed(GgufValueType.INT8, MemorySegment.ofArray(v.clone()));
    }

    public static GgufValue ofU16Array(short[] bits) {
        return packed(GgufValueType.UINT16, pack(bits, Le.I16, bits.length));
    }

    public static GgufValue ofI16Array(short[] v) {
        return packed(GgufValueType.INT16, pack(v, Le.I16, v.length));
    }

    /** A u32 array from the bits of {@code bits}. */
    public static GgufValue ofU32Array(int[] bits) {
        return packed(GgufValueType.UINT32, pack(bits, Le.I32, bits.length));
    }

    public static GgufValue ofI32Array(int[] v) {
        return packed(GgufValueType.INT32, pack(v, Le.I32, v.length));
    }

    /** A u64 array from the bits of {@code bits}. */
    public static GgufValue ofU64Array(long[] bits) {
        return packed(GgufValueType.UINT64, pack(bits, Le.I64, bits.length));
    }

    public static GgufValue ofI64Array(long[] v) {
        return packed(GgufValueType.INT64, pack(v, Le.I64, v.length));
    }

    public static GgufValue ofF32Array(float[] v) {
        return packed(GgufValueType.FLOAT32, pack(v, Le.F32, v.length));
    }

    public static GgufValue ofF64Array(double[] v) {
        return packed(GgufValueType.FLOAT64, pack(v, Le.F64, v.length));
    }

    public static GgufValue ofBoolArray(boolean[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) (v[i] ? 1 : 0);
        return packed(GgufValueType.BOOL, MemorySegment.ofArray(b));
    }

    private static GgufValue packed(GgufValueType t, MemorySegment data) {
        return ofArray(new GgufArray(t, new PackedArray(t, data)));
    }

    private static MemorySegment pack(Object array, java.lang.foreign.ValueLayout layout, int n) {
        MemorySegment dst = Le.allocate((long) n * layout.byteSize());
        MemorySegment.copy(array, 0, dst, layout, 0, n);
        return dst;
    }

    // ---- accessors ----

    /**
     * The value of an integer type as a long, unsigned types widened without sign extension.
     *
     * @throws IllegalStateException if this is not an integer type
     * @throws ArithmeticException if this is a UINT64 above Long.MAX_VALUE
     */
    public long asLong() {
        return switch (type) {
            case UINT8 -> Byte.toUnsignedLong((Byte) value);
            case UINT16 -> Short.toUnsignedLong((Short) value);
            case UINT32 -> Integer.toUnsignedLong((Integer) value);
            case UINT64 -> {
                long v = (Long) value;
                if (v < 0) throw new ArithmeticException("u64 " + Long.toUnsignedString(v) + " does not fit in a long");
                yield v;
            }
            case INT8, INT16, INT32, INT64 -> ((Number) value).longValue();
            default -> throw new IllegalStateException("a " + type + " is not an integer");
        };
    }

    /** {@link #asLong()} narrowed exactly; ArithmeticException when it does not fit an int. */
    public int asInt() {
        return Math.toIntExact(asLong());
    }

    /** The value of any numeric type (integers converted, unsigned correctly) as a double. */
    public double asDouble() {
        return switch (type) {
            case FLOAT32 -> (Float) value;
            case FLOAT64 -> (Double) value;
            case UINT64 -> {
                long v = (Long) value;
                yield v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
            }
            default -> {
                if (!type.isInteger()) throw new IllegalStateException("a " + type + " is not a number");
                yield asLong();
            }
        };
    }

    public float asFloat() {
        return type == GgufValueType.FLOAT32 ? (Float) value : (float) asDouble();
    }

    public boolean asBoolean() {
        if (type != GgufValueType.BOOL) throw new IllegalStateException("a " + type + " is not a BOOL");
        return (Boolean) value;
    }

    public String asString() {
        if (type != GgufValueType.STRING) throw new IllegalStateException("a " + type + " is not a STRING");
        return (String) value;
    }

    public GgufArray asArray() {
        if (type != GgufValueType.ARRAY) throw new IllegalStateException("a " + type + " is not an ARRAY");
        return (GgufArray) value;
    }

    /** Type and value, unsigned values as unsigned, strings quoted, arrays abbreviated. */
    @Override
    public String toString() {
        return switch (type) {
            case UINT8, UINT16, UINT32 -> type + " " + asLong();
            case UINT64 -> type + " " + Long.toUnsignedString((Long) value);
            case STRING -> type + " \"" + value + "\"";
            default -> type + " " + value;
        };
    }

    // ---- helpers ----

    private static long checkRange(long v, long min, long max, String what) {
        if (v < min || v > max) throw new IllegalArgumentException(what + " value " + v + " outside [" + min + ", " + max + "]");
        return v;
    }

    /** Strict UTF-8: a String with an unpaired surrogate has no UTF-8 form and is refused. */
    static byte[] utf8(String s) {
        boolean surrogates = false;
        for (int i = 0; i < s.length() && !surrogates; i++) surrogates = Character.isSurrogate(s.charAt(i));
        if (!surrogates) return s.getBytes(StandardCharsets.UTF_8); // exact when there is no surrogate
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("string has no UTF-8 form (unpaired surrogate): "
                    + s.substring(0, Math.min(s.length(), 40)), e);
        }
    }
}
