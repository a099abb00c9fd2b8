package dev.smezo.perturb;

import dev.smezo.gguf.GgmlType;

/**
 * Where the trained parameters of a quantized tensor live: the F16 scales inside each block
 * (ggml-common.h), as native/src/smezo.h lists them. The integer quants, and the K-quants' 6-bit
 * or int8 sub-block scales, stay. Scale s of block b is parameter p = b * scalesPerBlock() + s.
 */
public enum QuantScales {
    Q4_0(GgmlType.Q4_0, "d", 0),
    Q4_1(GgmlType.Q4_1, "d, m", 0, 2),
    Q5_0(GgmlType.Q5_0, "d", 0),
    Q5_1(GgmlType.Q5_1, "d, m", 0, 2),
    Q8_0(GgmlType.Q8_0, "d", 0),
    Q2_K(GgmlType.Q2_K, "d, dmin", 80, 82),
    Q3_K(GgmlType.Q3_K, "d", 108),
    Q4_K(GgmlType.Q4_K, "d, dmin", 0, 2),
    Q5_K(GgmlType.Q5_K, "d, dmin", 0, 2),
    Q6_K(GgmlType.Q6_K, "d", 208);

    public final GgmlType type;
    /** The scales' names in ggml-common.h, e.g. "d, dmin". */
    public final String names;
    private final int[] offsets;

    QuantScales(GgmlType type, String names, int... offsets) {
        this.type = type;
        this.names = names;
        this.offsets = offsets;
    }

    /** The layout of a ggml type, or null when its scales are not trained (float, IQ*, TQ*, MXFP4...). */
    public static QuantScales of(GgmlType t) {
        for (QuantScales q : values()) if (q.type == t) return q;
        return null;
    }

    public int scalesPerBlock() {
        return offsets.length;
    }

    /** Byte offset of scale s inside a block. */
    public int offset(int s) {
        return offsets[s];
    }

    public int blockBytes() {
        return type.typeSize();
    }

    public int blockElements() {
        return type.blockSize();
    }

    /** Blocks of a tensor of {@code elements} weights. */
    public long blocks(long elements) {
        return elements / type.blockSize();
    }

    /** Trained parameters (scales) of a tensor of {@code elements} weights. */
    public long parameters(long elements) {
        return blocks(elements) * offsets.length;
    }

    /** Byte offset of parameter p in the tensor's data. */
    public long byteOffset(long p) {
        return (p / offsets.length) * type.typeSize() + offsets[(int) (p % offsets.length)];
    }
}
