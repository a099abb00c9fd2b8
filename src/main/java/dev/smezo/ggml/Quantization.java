package dev.smezo.ggml;

import static dev.smezo.bindings.ggml_h.ggml_quantize_chunk;

import dev.smezo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Set;

/**
 * ggml's own quantizer ({@code ggml_quantize_chunk}, the code llama-quantize runs) over float values
 * held in Java arrays, so a quantized tensor smezo writes has the bytes llama.cpp's tools would give.
 */
public final class Quantization {
    /** The types ggml quantizes without an importance matrix (the IQ types need one, or tables smezo does not use). */
    public static final Set<GgmlType> TYPES = EnumSet.of(GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
            GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

    /** A native copy of the values per thread (ggml reads native memory), grown as needed and kept. */
    private static final ThreadLocal<MemorySegment[]> SOURCE = ThreadLocal.withInitial(() -> new MemorySegment[1]);

    private Quantization() {}

    /**
     * Writes {@code v[0, n)} as elements [start, start + n) of a contiguous tensor of {@code type} in
     * {@code dst} (native memory); {@code start} and {@code n} are whole blocks.
     *
     * <p>Without an importance matrix each of {@link #TYPES} quantizes block by block (ggml-quants.c's
     * quantize_TYPE calls quantize_row_TYPE_ref over nrows * n_per_row elements), so a run of whole
     * blocks passed as one row writes exactly the bytes that row-wise calls over the tensor write.
     */
    public static void write(GgmlType type, float[] v, int n, MemorySegment dst, long start) {
        if (!TYPES.contains(type)) throw new IllegalArgumentException("ggml does not quantize to " + type.ggmlName() + " here");
        int block = type.blockSize();
        if (start % block != 0 || n % block != 0) {
            throw new IllegalArgumentException(type.ggmlName() + ": elements [" + start + ", " + (start + n)
                    + ") are not whole blocks of " + block);
        }
        Ggml.init();
        MemorySegment src = source(n);
        MemorySegment.copy(v, 0, src, ValueLayout.JAVA_FLOAT, 0, n);
        long bytes = type.rowBytes(n);
        MemorySegment out = dst.asSlice(start / block * type.typeSize(), bytes);
        long written = ggml_quantize_chunk(type.id(), src, out, 0, 1, n, MemorySegment.NULL);
        if (written != bytes) throw new IllegalStateException("ggml_quantize_chunk wrote " + written + " bytes, not " + bytes);
    }

    private static MemorySegment source(int n) {
        MemorySegment[] holder = SOURCE.get();
        if (holder[0] == null || holder[0].byteSize() < 4L * n) holder[0] = Arena.ofAuto().allocate(4L * n, 64);
        return holder[0];
    }
}
