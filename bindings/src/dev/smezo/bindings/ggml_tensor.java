package dev.smezo.bindings;

import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/**
 * Field offsets of {@code struct ggml_tensor} (ggml.h, GGML_MAX_DIMS 4, GGML_MAX_OP_PARAMS 64,
 * GGML_MAX_SRC 10, GGML_MAX_NAME 64) for reading a tensor's type, shape, strides and data pointer.
 * The C library checks {@link #SIZE} against sizeof(struct ggml_tensor) at load time.
 */
public final class ggml_tensor {
    private ggml_tensor() {}

    public static final long TYPE = 0;
    public static final long BUFFER = 8;
    public static final long NE = 16;
    public static final long NB = 48;
    public static final long OP = 80;
    public static final long OP_PARAMS = 84;
    public static final long FLAGS = 148;
    public static final long SRC = 152;
    public static final long VIEW_SRC = 232;
    public static final long VIEW_OFFS = 240;
    public static final long DATA = 248;
    public static final long NAME = 256;
    public static final long EXTRA = 320;
    public static final long SIZE = 336;

    public static int type(MemorySegment t) {
        return t.reinterpret(SIZE).get(JAVA_INT, TYPE);
    }

    public static long ne(MemorySegment t, int dim) {
        return t.reinterpret(SIZE).get(JAVA_LONG, NE + 8L * dim);
    }

    public static long nb(MemorySegment t, int dim) {
        return t.reinterpret(SIZE).get(JAVA_LONG, NB + 8L * dim);
    }

    public static MemorySegment data(MemorySegment t) {
        return t.reinterpret(SIZE).get(ADDRESS, DATA);
    }

    public static MemorySegment buffer(MemorySegment t) {
        return t.reinterpret(SIZE).get(ADDRESS, BUFFER);
    }
}
