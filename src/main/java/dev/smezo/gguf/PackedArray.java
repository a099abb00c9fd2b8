package dev.smezo.gguf;

import java.lang.foreign.MemorySegment;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An immutable list of numeric or BOOL values kept as their packed little-endian file bytes, so a
 * vocabulary-sized array costs its file size rather than an object per element. Elements are
 * boxed into {@link GgufValue}s only when asked for; equality is the ordinary {@link java.util.List}
 * element-wise equality, so a packed array equals a plain list of the same values.
 */
final class PackedArray extends AbstractList<GgufValue> implements RandomAccess {
    private final GgufValueType type;
    private final MemorySegment data; // private copy, never written after construction
    private final int size;

    /** {@code data} must be a private copy: count * type size bytes, BOOL bytes already 0 or 1. */
    PackedArray(GgufValueType type, MemorySegment data) {
        if (type.fixedSize() == 0) throw new IllegalArgumentException("not a fixed-size type: " + type);
        long n = data.byteSize() / type.fixedSize();
        if (n * type.fixedSize() != data.byteSize() || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(data.byteSize() + " bytes is not a packed " + type + " array");
        }
        this.type = type;
        this.data = data;
        this.size = (int) n;
    }

    GgufValueType type() {
        return type;
    }

    /** The packed little-endian bytes, exactly as a GGUF file stores them. */
    MemorySegment data() {
        return data;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public GgufValue get(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("index " + i + " of " + size);
        long o = (long) i * type.fixedSize();
        return new GgufValue(type, switch (type) {
            case UINT8, INT8 -> data.get(Le.I8, o);
            case UINT16, INT16 -> data.get(Le.I16, o);
            case UINT32, INT32 -> data.get(Le.I32, o);
            case UINT64, INT64 -> data.get(Le.I64, o);
            case FLOAT32 -> data.get(Le.F32, o);
            case FLOAT64 -> data.get(Le.F64, o);
            case BOOL -> data.get(Le.I8, o) != 0;
            case STRING, ARRAY -> throw new IllegalStateException(type.toString());
        });
    }

    @Override
    public boolean equals(Object o) {
        // Identical bytes imply equal elements; different bytes may still be equal (NaN payloads).
        if (o instanceof PackedArray p && p.type == type && p.data.byteSize() == data.byteSize()
                && p.data.mismatch(data) == -1) {
            return true;
        }
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
