// Bindings of native/src/smezo.h in jextract's shape (jextract itself is not available here), written
// from an explicit symbol list. Only dev.smezo.perturb.NativeKernels uses this class.
// Each function: a lazily initialized holder with its descriptor, address and downcall handle, and a
// static method of the C name. C types: uint32_t/int32_t -> int, int64_t/uint64_t -> long, pointers ->
// MemorySegment (native segments only).
package dev.smezo.bindings;

import dev.smezo.nativelib.NativeLibraries;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

@SuppressWarnings("unused")
public final class smezo_h {
    private smezo_h() {}

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    static MemorySegment findOrThrow(String symbol) {
        return NativeLibraries.lookup().find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol + " (libsmezo too old?)"));
    }

    // #define constants
    public static int SMEZO_TYPE_F32() { return 0; }
    public static int SMEZO_TYPE_F16() { return 1; }
    public static int SMEZO_TYPE_BF16() { return 30; }
    public static int SMEZO_MASK_DENSE() { return 0; }
    public static int SMEZO_MASK_MAGNITUDE() { return 1; }
    public static int SMEZO_MASK_RANDOM() { return 2; }
    public static int SMEZO_MASK_LARGE() { return 3; }
    public static int SMEZO_SCALE_ABSOLUTE() { return 0; }
    public static int SMEZO_SCALE_RELATIVE() { return 1; }
    public static int SMEZO_STREAM_NOISE() { return 0; }
    public static int SMEZO_STREAM_MASK() { return 1; }
    public static int SMEZO_STREAM_ROUND() { return 2; }
    public static int SMEZO_PARAMS_N() { return 8; }

    /** struct smezo_tensor_cfg (32 bytes, alignment 8). */
    public static final class smezo_tensor_cfg {
        private smezo_tensor_cfg() {}

        private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
                C_INT.withName("tensor_id"),
                C_INT.withName("mask_mode"),
                C_FLOAT.withName("threshold"),
                C_FLOAT.withName("keep_rate"),
                C_LONG.withName("mask_seed"),
                C_INT.withName("scale_mode"),
                C_FLOAT.withName("scale_gain")).withName("smezo_tensor_cfg");

        public static GroupLayout layout() { return $LAYOUT; }

        public static final long tensor_id$OFFSET = 0;
        public static final long mask_mode$OFFSET = 4;
        public static final long threshold$OFFSET = 8;
        public static final long keep_rate$OFFSET = 12;
        public static final long mask_seed$OFFSET = 16;
        public static final long scale_mode$OFFSET = 24;
        public static final long scale_gain$OFFSET = 28;

        public static int tensor_id(MemorySegment struct) { return struct.get(C_INT, tensor_id$OFFSET); }
        public static void tensor_id(MemorySegment struct, int v) { struct.set(C_INT, tensor_id$OFFSET, v); }
        public static int mask_mode(MemorySegment struct) { return struct.get(C_INT, mask_mode$OFFSET); }
        public static void mask_mode(MemorySegment struct, int v) { struct.set(C_INT, mask_mode$OFFSET, v); }
        public static float threshold(MemorySegment struct) { return struct.get(C_FLOAT, threshold$OFFSET); }
        public static void threshold(MemorySegment struct, float v) { struct.set(C_FLOAT, threshold$OFFSET, v); }
        public static float keep_rate(MemorySegment struct) { return struct.get(C_FLOAT, keep_rate$OFFSET); }
        public static void keep_rate(MemorySegment struct, float v) { struct.set(C_FLOAT, keep_rate$OFFSET, v); }
        public static long mask_seed(MemorySegment struct) { return struct.get(C_LONG, mask_seed$OFFSET); }
        public static void mask_seed(MemorySegment struct, long v) { struct.set(C_LONG, mask_seed$OFFSET, v); }
        public static int scale_mode(MemorySegment struct) { return struct.get(C_INT, scale_mode$OFFSET); }
        public static void scale_mode(MemorySegment struct, int v) { struct.set(C_INT, scale_mode$OFFSET, v); }
        public static float scale_gain(MemorySegment struct) { return struct.get(C_FLOAT, scale_gain$OFFSET); }
        public static void scale_gain(MemorySegment struct, float v) { struct.set(C_FLOAT, scale_gain$OFFSET, v); }
        public static long sizeof() { return $LAYOUT.byteSize(); }
    }

    private static final class smezo_op_perturb {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("smezo_op_perturb");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_op_perturb$descriptor() { return smezo_op_perturb.DESC; }

    public static MethodHandle smezo_op_perturb$handle() { return smezo_op_perturb.HANDLE; }

    public static MemorySegment smezo_op_perturb$address() { return smezo_op_perturb.ADDR; }

    public static void smezo_op_perturb(MemorySegment dst, int ith, int nth, MemorySegment userdata) {
        var mh$ = smezo_op_perturb.HANDLE;
        try {
            mh$.invokeExact(dst, ith, nth, userdata);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_op_perturb_rows {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("smezo_op_perturb_rows");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_op_perturb_rows$descriptor() { return smezo_op_perturb_rows.DESC; }

    public static MethodHandle smezo_op_perturb_rows$handle() { return smezo_op_perturb_rows.HANDLE; }

    public static MemorySegment smezo_op_perturb_rows$address() { return smezo_op_perturb_rows.ADDR; }

    public static void smezo_op_perturb_rows(MemorySegment dst, int ith, int nth, MemorySegment userdata) {
        var mh$ = smezo_op_perturb_rows.HANDLE;
        try {
            mh$.invokeExact(dst, ith, nth, userdata);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_op_update {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("smezo_op_update");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_op_update$descriptor() { return smezo_op_update.DESC; }

    public static MethodHandle smezo_op_update$handle() { return smezo_op_update.HANDLE; }

    public static MemorySegment smezo_op_update$address() { return smezo_op_update.ADDR; }

    public static void smezo_op_update(MemorySegment dst, int ith, int nth, MemorySegment userdata) {
        var mh$ = smezo_op_update.HANDLE;
        try {
            mh$.invokeExact(dst, ith, nth, userdata);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_perturb_range {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_POINTER, C_INT, C_LONG, C_LONG, C_POINTER, C_LONG, C_FLOAT);
        static final MemorySegment ADDR = findOrThrow("smezo_perturb_range");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_perturb_range$descriptor() { return smezo_perturb_range.DESC; }

    public static MethodHandle smezo_perturb_range$handle() { return smezo_perturb_range.HANDLE; }

    public static MemorySegment smezo_perturb_range$address() { return smezo_perturb_range.ADDR; }

    public static void smezo_perturb_range(MemorySegment w, MemorySegment out, int ggml_type, long start, long end, MemorySegment cfg, long seed, float c) {
        var mh$ = smezo_perturb_range.HANDLE;
        try {
            mh$.invokeExact(w, out, ggml_type, start, end, cfg, seed, c);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_perturb_rows_range {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_POINTER, C_POINTER, C_LONG, C_LONG, C_LONG, C_POINTER, C_LONG, C_FLOAT);
        static final MemorySegment ADDR = findOrThrow("smezo_perturb_rows_range");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_perturb_rows_range$descriptor() { return smezo_perturb_rows_range.DESC; }

    public static MethodHandle smezo_perturb_rows_range$handle() { return smezo_perturb_rows_range.HANDLE; }

    public static MemorySegment smezo_perturb_rows_range$address() { return smezo_perturb_rows_range.ADDR; }

    public static void smezo_perturb_rows_range(MemorySegment rows, MemorySegment ids, MemorySegment out, long ne0, long row_start, long row_end, MemorySegment cfg, long seed, float c) {
        var mh$ = smezo_perturb_rows_range.HANDLE;
        try {
            mh$.invokeExact(rows, ids, out, ne0, row_start, row_end, cfg, seed, c);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_update_range {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT, C_LONG, C_LONG, C_POINTER, C_LONG, C_FLOAT, C_FLOAT);
        static final MemorySegment ADDR = findOrThrow("smezo_update_range");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_update_range$descriptor() { return smezo_update_range.DESC; }

    public static MethodHandle smezo_update_range$handle() { return smezo_update_range.HANDLE; }

    public static MemorySegment smezo_update_range$address() { return smezo_update_range.ADDR; }

    public static void smezo_update_range(MemorySegment w, int ggml_type, long start, long end, MemorySegment cfg, long seed, float c, float b) {
        var mh$ = smezo_update_range.HANDLE;
        try {
            mh$.invokeExact(w, ggml_type, start, end, cfg, seed, c, b);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_noise_range {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_LONG, C_INT, C_LONG, C_LONG, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("smezo_noise_range");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_noise_range$descriptor() { return smezo_noise_range.DESC; }

    public static MethodHandle smezo_noise_range$handle() { return smezo_noise_range.HANDLE; }

    public static MemorySegment smezo_noise_range$address() { return smezo_noise_range.ADDR; }

    public static void smezo_noise_range(long seed, int tensor_id, long start, long end, MemorySegment out) {
        var mh$ = smezo_noise_range.HANDLE;
        try {
            mh$.invokeExact(seed, tensor_id, start, end, out);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_count_mask {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_POINTER, C_INT, C_LONG, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("smezo_count_mask");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_count_mask$descriptor() { return smezo_count_mask.DESC; }

    public static MethodHandle smezo_count_mask$handle() { return smezo_count_mask.HANDLE; }

    public static MemorySegment smezo_count_mask$address() { return smezo_count_mask.ADDR; }

    public static long smezo_count_mask(MemorySegment w, int ggml_type, long n, MemorySegment cfg) {
        var mh$ = smezo_count_mask.HANDLE;
        try {
            return (long) mh$.invokeExact(w, ggml_type, n, cfg);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_magnitude_threshold {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_FLOAT, C_POINTER, C_INT, C_LONG, C_DOUBLE, C_INT);
        static final MemorySegment ADDR = findOrThrow("smezo_magnitude_threshold");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_magnitude_threshold$descriptor() { return smezo_magnitude_threshold.DESC; }

    public static MethodHandle smezo_magnitude_threshold$handle() { return smezo_magnitude_threshold.HANDLE; }

    public static MemorySegment smezo_magnitude_threshold$address() { return smezo_magnitude_threshold.ADDR; }

    public static float smezo_magnitude_threshold(MemorySegment w, int ggml_type, long n, double keep_fraction, int n_threads) {
        var mh$ = smezo_magnitude_threshold.HANDLE;
        try {
            return (float) mh$.invokeExact(w, ggml_type, n, keep_fraction, n_threads);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MemorySegment ADDR = findOrThrow("smezo_version");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_version$descriptor() { return smezo_version.DESC; }

    public static MethodHandle smezo_version$handle() { return smezo_version.HANDLE; }

    public static MemorySegment smezo_version$address() { return smezo_version.ADDR; }

    public static int smezo_version() {
        var mh$ = smezo_version.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_op_perturb_q {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("smezo_op_perturb_q");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_op_perturb_q$descriptor() { return smezo_op_perturb_q.DESC; }

    public static MethodHandle smezo_op_perturb_q$handle() { return smezo_op_perturb_q.HANDLE; }

    public static MemorySegment smezo_op_perturb_q$address() { return smezo_op_perturb_q.ADDR; }

    public static void smezo_op_perturb_q(MemorySegment dst, int ith, int nth, MemorySegment userdata) {
        var mh$ = smezo_op_perturb_q.HANDLE;
        try {
            mh$.invokeExact(dst, ith, nth, userdata);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_op_perturb_rows_q {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("smezo_op_perturb_rows_q");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_op_perturb_rows_q$descriptor() { return smezo_op_perturb_rows_q.DESC; }

    public static MethodHandle smezo_op_perturb_rows_q$handle() { return smezo_op_perturb_rows_q.HANDLE; }

    public static MemorySegment smezo_op_perturb_rows_q$address() { return smezo_op_perturb_rows_q.ADDR; }

    public static void smezo_op_perturb_rows_q(MemorySegment dst, int ith, int nth, MemorySegment userdata) {
        var mh$ = smezo_op_perturb_rows_q.HANDLE;
        try {
            mh$.invokeExact(dst, ith, nth, userdata);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_op_update_q {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("smezo_op_update_q");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_op_update_q$descriptor() { return smezo_op_update_q.DESC; }

    public static MethodHandle smezo_op_update_q$handle() { return smezo_op_update_q.HANDLE; }

    public static MemorySegment smezo_op_update_q$address() { return smezo_op_update_q.ADDR; }

    public static void smezo_op_update_q(MemorySegment dst, int ith, int nth, MemorySegment userdata) {
        var mh$ = smezo_op_update_q.HANDLE;
        try {
            mh$.invokeExact(dst, ith, nth, userdata);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_q_layout {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("smezo_q_layout");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_q_layout$descriptor() { return smezo_q_layout.DESC; }

    public static MethodHandle smezo_q_layout$handle() { return smezo_q_layout.HANDLE; }

    public static MemorySegment smezo_q_layout$address() { return smezo_q_layout.ADDR; }

    public static int smezo_q_layout(int ggml_type, MemorySegment elems, MemorySegment bytes, MemorySegment n_scales, MemorySegment offs) {
        var mh$ = smezo_q_layout.HANDLE;
        try {
            return (int) mh$.invokeExact(ggml_type, elems, bytes, n_scales, offs);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_q_perturb_range {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_POINTER, C_INT, C_LONG, C_LONG, C_POINTER, C_LONG, C_FLOAT);
        static final MemorySegment ADDR = findOrThrow("smezo_q_perturb_range");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_q_perturb_range$descriptor() { return smezo_q_perturb_range.DESC; }

    public static MethodHandle smezo_q_perturb_range$handle() { return smezo_q_perturb_range.HANDLE; }

    public static MemorySegment smezo_q_perturb_range$address() { return smezo_q_perturb_range.ADDR; }

    public static void smezo_q_perturb_range(MemorySegment w, MemorySegment out, int ggml_type, long block_start, long block_end, MemorySegment cfg, long seed, float c) {
        var mh$ = smezo_q_perturb_range.HANDLE;
        try {
            mh$.invokeExact(w, out, ggml_type, block_start, block_end, cfg, seed, c);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_q_update_range {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT, C_LONG, C_LONG, C_POINTER, C_LONG, C_FLOAT, C_FLOAT);
        static final MemorySegment ADDR = findOrThrow("smezo_q_update_range");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_q_update_range$descriptor() { return smezo_q_update_range.DESC; }

    public static MethodHandle smezo_q_update_range$handle() { return smezo_q_update_range.HANDLE; }

    public static MemorySegment smezo_q_update_range$address() { return smezo_q_update_range.ADDR; }

    public static void smezo_q_update_range(MemorySegment w, int ggml_type, long block_start, long block_end, MemorySegment cfg, long seed, float c, float b) {
        var mh$ = smezo_q_update_range.HANDLE;
        try {
            mh$.invokeExact(w, ggml_type, block_start, block_end, cfg, seed, c, b);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_q_gather_scales {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT, C_LONG, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("smezo_q_gather_scales");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_q_gather_scales$descriptor() { return smezo_q_gather_scales.DESC; }

    public static MethodHandle smezo_q_gather_scales$handle() { return smezo_q_gather_scales.HANDLE; }

    public static MemorySegment smezo_q_gather_scales$address() { return smezo_q_gather_scales.ADDR; }

    public static void smezo_q_gather_scales(MemorySegment w, int ggml_type, long n_blocks, MemorySegment out) {
        var mh$ = smezo_q_gather_scales.HANDLE;
        try {
            mh$.invokeExact(w, ggml_type, n_blocks, out);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class smezo_q_first_nonfinite {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_POINTER, C_INT, C_LONG);
        static final MemorySegment ADDR = findOrThrow("smezo_q_first_nonfinite");
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor smezo_q_first_nonfinite$descriptor() { return smezo_q_first_nonfinite.DESC; }

    public static MethodHandle smezo_q_first_nonfinite$handle() { return smezo_q_first_nonfinite.HANDLE; }

    public static MemorySegment smezo_q_first_nonfinite$address() { return smezo_q_first_nonfinite.ADDR; }

    public static long smezo_q_first_nonfinite(MemorySegment w, int ggml_type, long n_blocks) {
        var mh$ = smezo_q_first_nonfinite.HANDLE;
        try {
            return (long) mh$.invokeExact(w, ggml_type, n_blocks);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
