package dev.smezo.gguf;

/** The types a GGUF metadata value can have (gguf.h {@code enum gguf_type}), in id order. */
public enum GgufValueType {
    UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1),
    STRING(0), ARRAY(0), UINT64(8), INT64(8), FLOAT64(8);

    private static final GgufValueType[] BY_ID = values();

    private final int size;

    GgufValueType(int size) {
        this.size = size;
    }

    /** The id stored in the file; the enum is declared in id order. */
    public int id() {
        return ordinal();
    }

    /** Bytes of one value, or 0 for STRING and ARRAY, whose size depends on the value. */
    public int fixedSize() {
        return size;
    }

    /** UINT8..INT64 except BOOL and the floats: the types {@link GgufValue#asLong()} accepts. */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** The unsigned integer types, whose values are kept in the signed Java type of the same width. */
    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /** The type with file id {@code id}; throws IllegalArgumentException naming the id when unknown. */
    public static GgufValueType fromId(int id) {
        GgufValueType t = byId(id);
        if (t == null) throw new IllegalArgumentException("unknown GGUF value type id " + id + " (valid ids are 0..12)");
        return t;
    }

    static GgufValueType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
