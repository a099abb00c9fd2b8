package dev.smezo.perturb;

/** The weight storage types the kernels take, with their ggml type ids. */
public enum WeightType {
    F32(0, 4),
    F16(1, 2),
    BF16(30, 2);

    /** ggml's {@code enum ggml_type} value. */
    public final int ggmlType;
    /** Bytes per element. */
    public final int bytes;

    WeightType(int ggmlType, int bytes) {
        this.ggmlType = ggmlType;
        this.bytes = bytes;
    }

    /** The type of a ggml type id, or null when the kernels do not take it (quantized types...). */
    public static WeightType ofGgml(int ggmlType) {
        for (WeightType t : values()) if (t.ggmlType == ggmlType) return t;
        return null;
    }
}
