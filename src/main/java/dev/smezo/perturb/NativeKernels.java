package dev.smezo.perturb;

import static dev.smezo.bindings.smezo_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The native perturbation kernels of libsmezo (native/src/smezo.h), checked in Java first: a bad
 * argument throws here instead of reaching C. The only class that imports the bindings.
 *
 * <p>Segments must be native. Weights w and out are whole tensors (element 0 at offset 0) of which the
 * elements [start, end) are read and written; cfg is a smezo_tensor_cfg from
 * {@link TensorPerturbation#allocate}. The op addresses are the ggml custom-op function pointers for
 * the forward graph ({@code ggml_custom_4d}, {@code ggml_custom_inplace}), with the cfg as userdata.
 */
public final class NativeKernels {
    /** Bytes of the per-step params tensor (GGML_TYPE_I32, 8 elements). */
    public static final int PARAMS_BYTES = 4 * 8;

    private NativeKernels() {}

    /** ggml_custom_op_t: dst = W + c*z*m (dst->src[0] = W, src[1] = params). */
    public static MemorySegment perturbOp() {
        return smezo_op_perturb$address();
    }

    /** ggml_custom_op_t: embedding rows (src[0] = rows F32, src[1] = ids I32, src[2] = params). */
    public static MemorySegment perturbRowsOp() {
        return smezo_op_perturb_rows$address();
    }

    /** ggml_custom_op_t for ggml_custom_inplace: W updated in place (src[0] = W, src[1] = params). */
    public static MemorySegment updateOp() {
        return smezo_op_update$address();
    }

    /** ggml_custom_op_t: a quantized W's blocks with perturbed scales (src[0] = W, src[1] = params). */
    public static MemorySegment perturbQuantOp() {
        return smezo_op_perturb_q$address();
    }

    /** ggml_custom_op_t: dequantized embedding rows of a quantized W with perturbed scales (src[0] = W, src[1] = ids, src[2] = params). */
    public static MemorySegment perturbRowsQuantOp() {
        return smezo_op_perturb_rows_q$address();
    }

    /** ggml_custom_op_t for ggml_custom_inplace: a quantized W's scales updated in place. */
    public static MemorySegment updateQuantOp() {
        return smezo_op_update_q$address();
    }

    /** The per-step params tensor's 8 int32 values: seed low, seed high, bits of c, bits of b, 0, 0, 0, 0. */
    public static int[] params(long seed, float c, float b) {
        return new int[] {(int) seed, (int) (seed >>> 32), Float.floatToRawIntBits(c), Float.floatToRawIntBits(b), 0, 0, 0, 0};
    }

    /** Writes {@link #params} into the first 32 bytes of seg (heap or native, native byte order). */
    public static void writeParams(MemorySegment seg, long seed, float c, float b) {
        if (seg.byteSize() < PARAMS_BYTES) throw new IndexOutOfBoundsException("params: " + seg.byteSize() + " bytes, 32 needed");
        int[] p = params(seed, c, b);
        for (int i = 0; i < p.length; i++) seg.set(ValueLayout.JAVA_INT_UNALIGNED, 4L * i, p[i]);
    }

    /** The C struct smezo_tensor_cfg as the bindings declare it (equal to {@link TensorPerturbation#LAYOUT}). */
    public static GroupLayout cfgLayout() {
        return smezo_tensor_cfg.layout();
    }

    public static int version() {
        return smezo_version();
    }

    /** The instruction-set copy of the kernels in use (smezo.h SMEZO_ISA_*: 0 c, 1 avx2, 2 avx512). */
    public static int isa() {
        return dev.smezo.bindings.smezo_isa_h.smezo_isa();
    }

    /** "c", "avx2" or "avx512". */
    public static String isaName(int isa) {
        return dev.smezo.bindings.smezo_isa_h.smezo_isa_name(isa).reinterpret(32).getString(0);
    }

    public static boolean isaSupported(int isa) {
        return dev.smezo.bindings.smezo_isa_h.smezo_isa_supported(isa) == 1;
    }

    /** Switches the kernels to another copy (tests; not while kernels run); false when this CPU cannot run it. */
    public static boolean setIsa(int isa) {
        return dev.smezo.bindings.smezo_isa_h.smezo_isa_set(isa) == 1;
    }

    /** out = w + c*z*m on elements [start, end). */
    public static void perturb(MemorySegment w, MemorySegment out, WeightType type, long start, long end,
                               MemorySegment cfg, long seed, float c) {
        range(start, end);
        need(w, end * type.bytes, "w");
        need(out, end * type.bytes, "out");
        cfg(cfg);
        smezo_perturb_range(w, out, type.ggmlType, start, end, cfg, seed, c);
    }

    /** Embedding rows [rowStart, rowEnd) of rows/out [ne0, n] F32 with ids[n] I32. */
    public static void perturbRows(MemorySegment rows, MemorySegment ids, MemorySegment out, long ne0, long rowStart,
                                   long rowEnd, MemorySegment cfg, long seed, float c) {
        if (ne0 <= 0) throw new IllegalArgumentException("ne0 " + ne0 + " must be positive");
        range(rowStart, rowEnd);
        long elems = Math.multiplyExact(rowEnd, ne0);
        need(rows, elems * 4, "rows");
        need(out, elems * 4, "out");
        need(ids, rowEnd * 4, "ids");
        cfg(cfg);
        smezo_perturb_rows_range(rows, ids, out, ne0, rowStart, rowEnd, cfg, seed, c);
    }

    /** In place on [start, end): w = (w - b*w) + m*c*z (F16/BF16 stochastically rounded). */
    public static void update(MemorySegment w, WeightType type, long start, long end, MemorySegment cfg, long seed,
                              float c, float b) {
        range(start, end);
        need(w, end * type.bytes, "w");
        cfg(cfg);
        smezo_update_range(w, type.ggmlType, start, end, cfg, seed, c, b);
    }

    /** z of elements [start, end) into out[0 .. end - start) (floats). */
    public static void noise(long seed, int tensorId, long start, long end, MemorySegment out) {
        range(start, end);
        need(out, (end - start) * 4, "out");
        smezo_noise_range(seed, tensorId, start, end, out);
    }

    /** How many of the first n elements of w the mask keeps. */
    public static long countMask(MemorySegment w, WeightType type, long n, MemorySegment cfg) {
        range(0, n);
        need(w, n * type.bytes, "w");
        cfg(cfg);
        return smezo_count_mask(w, type.ggmlType, n, cfg);
    }

    /** The magnitude threshold keeping about keepFraction of the first n elements (exact selection). */
    public static float magnitudeThreshold(MemorySegment w, WeightType type, long n, double keepFraction, int threads) {
        range(0, n);
        need(w, n * type.bytes, "w");
        if (Double.isNaN(keepFraction)) throw new IllegalArgumentException("keep fraction is NaN");
        if (threads < 1) throw new IllegalArgumentException("threads " + threads + " must be >= 1");
        return smezo_magnitude_threshold(w, type.ggmlType, n, keepFraction, threads);
    }

    /** libsmezo's geometry of a quantized type: {elements, bytes, scales} per block and the scales' offsets, or null. */
    public static int[] quantLayout(int ggmlType) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT, 5);
            if (smezo_q_layout(ggmlType, v, v.asSlice(4), v.asSlice(8), v.asSlice(12)) == 0) return null;
            return v.toArray(ValueLayout.JAVA_INT);
        }
    }

    /** Blocks [blockStart, blockEnd) of quantized w copied to out with their scales perturbed. */
    public static void quantPerturb(MemorySegment w, MemorySegment out, QuantScales q, long blockStart, long blockEnd,
                                    MemorySegment cfg, long seed, float c) {
        range(blockStart, blockEnd);
        need(w, blockEnd * q.blockBytes(), "w");
        need(out, blockEnd * q.blockBytes(), "out");
        cfg(cfg);
        smezo_q_perturb_range(w, out, q.type.id(), blockStart, blockEnd, cfg, seed, c);
    }

    /** The scales of blocks [blockStart, blockEnd) of quantized w updated in place. */
    public static void quantUpdate(MemorySegment w, QuantScales q, long blockStart, long blockEnd, MemorySegment cfg,
                                   long seed, float c, float b) {
        range(blockStart, blockEnd);
        need(w, blockEnd * q.blockBytes(), "w");
        cfg(cfg);
        smezo_q_update_range(w, q.type.id(), blockStart, blockEnd, cfg, seed, c, b);
    }

    /** The F16 scales of the first nBlocks blocks, in parameter order, into out (nBlocks * scales shorts). */
    public static void gatherScales(MemorySegment w, QuantScales q, long nBlocks, MemorySegment out) {
        range(0, nBlocks);
        need(w, nBlocks * q.blockBytes(), "w");
        need(out, nBlocks * q.scalesPerBlock() * 2L, "out");
        if (nBlocks > 0) smezo_q_gather_scales(w, q.type.id(), nBlocks, out);
    }

    /** The first parameter whose scale is NaN or infinite, or -1. */
    public static long firstNonFiniteScale(MemorySegment w, QuantScales q, long nBlocks) {
        range(0, nBlocks);
        need(w, nBlocks * q.blockBytes(), "w");
        return nBlocks == 0 ? -1 : smezo_q_first_nonfinite(w, q.type.id(), nBlocks);
    }

    private static void range(long start, long end) {
        if (start < 0 || end < start) throw new IndexOutOfBoundsException("bad range [" + start + ", " + end + ")");
    }

    private static void need(MemorySegment seg, long bytes, String what) {
        if (seg == null) throw new NullPointerException(what);
        if (!seg.isNative()) throw new IllegalArgumentException(what + ": a native segment is needed (heap given)");
        if (seg.byteSize() < bytes) {
            throw new IndexOutOfBoundsException(what + ": " + seg.byteSize() + " bytes, the call needs " + bytes);
        }
    }

    private static void cfg(MemorySegment cfg) {
        need(cfg, TensorPerturbation.LAYOUT.byteSize(), "cfg");
        if (cfg.address() % 8 != 0) throw new IllegalArgumentException("cfg: not 8-byte aligned");
        TensorPerturbation.readFrom(cfg);   // validates mask_mode, keep rate, threshold
    }
}
