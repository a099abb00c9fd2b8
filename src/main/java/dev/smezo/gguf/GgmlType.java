package dev.smezo.gguf;

/**
 * ggml tensor types as ggml.h numbers them (enum {@code ggml_type}) with the block geometry of
 * ggml.c's {@code type_traits}: a tensor row of {@code ne0} elements is {@code ne0 / blockSize}
 * blocks of {@code typeSize} bytes each.
 *
 * <p>Ids 4, 5 (Q4_2, Q4_3), 31-33 (Q4_0_4_4, Q4_0_4_8, Q4_0_8_8) and 36-38 (IQ4_NL_4_4...) are
 * types ggml removed; their traits have block size 0 and gguf.cpp refuses them, so they have no
 * constant here and {@link #fromId} rejects them.
 */
public enum GgmlType {
    F32(0, 1, 4, "f32"),
    F16(1, 1, 2, "f16"),
    Q4_0(2, 32, 18, "q4_0"),
    Q4_1(3, 32, 20, "q4_1"),
    Q5_0(6, 32, 22, "q5_0"),
    Q5_1(7, 32, 24, "q5_1"),
    Q8_0(8, 32, 34, "q8_0"),
    Q8_1(9, 32, 36, "q8_1"),
    Q2_K(10, 256, 84, "q2_K"),
    Q3_K(11, 256, 110, "q3_K"),
    Q4_K(12, 256, 144, "q4_K"),
    Q5_K(13, 256, 176, "q5_K"),
    Q6_K(14, 256, 210, "q6_K"),
    Q8_K(15, 256, 292, "q8_K"),
    IQ2_XXS(16, 256, 66, "iq2_xxs"),
    IQ2_XS(17, 256, 74, "iq2_xs"),
    IQ3_XXS(18, 256, 98, "iq3_xxs"),
    IQ1_S(19, 256, 50, "iq1_s"),
    IQ4_NL(20, 32, 18, "iq4_nl"),
    IQ3_S(21, 256, 110, "iq3_s"),
    IQ2_S(22, 256, 82, "iq2_s"),
    IQ4_XS(23, 256, 136, "iq4_xs"),
    I8(24, 1, 1, "i8"),
    I16(25, 1, 2, "i16"),
    I32(26, 1, 4, "i32"),
    I64(27, 1, 8, "i64"),
    F64(28, 1, 8, "f64"),
    IQ1_M(29, 256, 56, "iq1_m"),
    BF16(30, 1, 2, "bf16"),
    TQ1_0(34, 256, 54, "tq1_0"),
    TQ2_0(35, 256, 66, "tq2_0"),
    MXFP4(39, 32, 17, "mxfp4"),
    NVFP4(40, 64, 36, "nvfp4"),
    Q1_0(41, 128, 18, "q1_0"),
    Q2_0(42, 64, 18, "q2_0");

    /** GGML_TYPE_COUNT at this ggml version: ids are in [0, COUNT). */
    public static final int COUNT = 43;

    private static final GgmlType[] BY_ID = new GgmlType[COUNT];

    static {
        for (GgmlType t : values()) BY_ID[t.id] = t;
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final String ggmlName;

    GgmlType(int id, int blockSize, int typeSize, String ggmlName) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.ggmlName = ggmlName;
    }

    /** The number ggml.h gives the type, as stored in a GGUF tensor info. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for the plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** The name ggml prints ({@code ggml_type_name}): "f32", "q4_K"... */
    public String ggmlName() {
        return ggmlName;
    }

    /** The float types smezo can train: F32, F16 and BF16. */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** Whether the type packs elements into blocks with shared scales (ggml's {@code is_quantized}). */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /**
     * Bytes of one row of {@code ne0} elements.
     *
     * @throws IllegalArgumentException if {@code ne0} is negative or not a multiple of the block size
     */
    public long rowBytes(long ne0) {
        if (ne0 < 0) throw new IllegalArgumentException(this + ": negative row length " + ne0);
        if (ne0 % blockSize != 0) {
            throw new IllegalArgumentException(
                    this + ": row length " + ne0 + " is not a multiple of the block size " + blockSize);
        }
        return Math.multiplyExact(ne0 / blockSize, (long) typeSize);
    }

    /**
     * Bytes of a whole contiguous tensor of shape {@code ne} (ggml order, ne[0] fastest).
     *
     * @throws IllegalArgumentException if the shape is empty, has a negative extent or a row that
     *     is not a whole number of blocks
     * @throws ArithmeticException if the size does not fit in a long
     */
    public long bytes(long[] ne) {
        if (ne.length == 0) throw new IllegalArgumentException(this + ": shape has no dimensions");
        boolean empty = false;
        for (int i = 0; i < ne.length; i++) {
            if (ne[i] < 0) throw new IllegalArgumentException(this + ": negative extent ne[" + i + "] = " + ne[i]);
            empty |= ne[i] == 0;
        }
        if (ne[0] % blockSize != 0) rowBytes(ne[0]); // throws, naming the block size
        if (empty) return 0; // as ggml: no overflow check for a tensor without elements
        long bytes = rowBytes(ne[0]);
        for (int i = 1; i < ne.length; i++) bytes = Math.multiplyExact(bytes, ne[i]);
        return bytes;
    }

    /**
     * The type with ggml id {@code id}.
     *
     * @throws IllegalArgumentException naming the id when it is unknown or a removed type
     */
    public static GgmlType fromId(int id) {
        GgmlType t = id >= 0 && id < COUNT ? BY_ID[id] : null;
        if (t == null) {
            throw new IllegalArgumentException("unknown ggml type id " + id
                    + (id >= 0 && id < COUNT ? " (a type ggml removed)" : " (valid ids are 0.." + (COUNT - 1) + ")"));
        }
        return t;
    }

    /** Like {@link #fromId} without the exception, for parsers. */
    static GgmlType byId(long id) {
        return id >= 0 && id < COUNT ? BY_ID[(int) id] : null;
    }
}
