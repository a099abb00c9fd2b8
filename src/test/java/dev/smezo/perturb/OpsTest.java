package dev.smezo.perturb;

import static dev.smezo.perturb.NativeSupport.assumeNative;
import static dev.smezo.perturb.NativeSupport.copy;
import static dev.smezo.perturb.NativeSupport.firstDiff;
import static dev.smezo.perturb.NativeSupport.heap;
import static dev.smezo.perturb.NativeSupport.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ggml custom ops called as ggml's CPU backend calls them (fun(dst, ith, nth, userdata) on each
 * thread), on hand-built struct ggml_tensor (ggml 0.25.1 layout: type @0, ne @16, nb @48, src @152,
 * data @248, 336 bytes), without a ggml graph.
 */
@Tag("native")
class OpsTest {
    static final int GGML_TYPE_I32 = 26;
    static MethodHandle perturb, perturbRows, update;

    @BeforeAll
    static void link() {
        assumeNative();
        FunctionDescriptor op = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS);
        perturb = Linker.nativeLinker().downcallHandle(NativeKernels.perturbOp(), op);
        perturbRows = Linker.nativeLinker().downcallHandle(NativeKernels.perturbRowsOp(), op);
        update = Linker.nativeLinker().downcallHandle(NativeKernels.updateOp(), op);
    }

    /** A contiguous struct ggml_tensor over data. */
    static MemorySegment tensor(Arena arena, int type, int esz, long[] ne, MemorySegment data, MemorySegment... src) {
        MemorySegment t = arena.allocate(336, 16);
        t.set(ValueLayout.JAVA_INT, 0, type);
        long nb = esz;
        for (int i = 0; i < 4; i++) {
            long e = i < ne.length ? ne[i] : 1;
            t.set(ValueLayout.JAVA_LONG, 16 + 8 * i, e);
            t.set(ValueLayout.JAVA_LONG, 48 + 8 * i, nb);
            nb *= e;
        }
        for (int i = 0; i < src.length; i++) t.set(ValueLayout.ADDRESS, 152 + 8 * i, src[i]);
        t.set(ValueLayout.ADDRESS, 248, data);
        return t;
    }

    static MemorySegment params(Arena arena, long seed, float c, float b) {
        MemorySegment data = arena.allocate(NativeKernels.PARAMS_BYTES, 16);
        NativeKernels.writeParams(data, seed, c, b);
        return tensor(arena, GGML_TYPE_I32, 4, new long[] {8}, data);
    }

    static void run(MethodHandle op, MemorySegment dst, int nth, MemorySegment cfg) throws Throwable {
        for (int ith = nth - 1; ith >= 0; ith--) op.invokeExact(dst, ith, nth, cfg);
    }

    @Test
    void perturbOpSplitsLikeTheRangeKernel() throws Throwable {
        long[] ne = {37, 5, 2};
        long n = 370, seed = -7;
        try (Arena arena = Arena.ofConfined()) {
            for (WeightType type : WeightType.values()) {
                MemorySegment wData = weights(arena, type, n, 0.1f, 3, false);
                MemorySegment w = tensor(arena, type.ggmlType, type.bytes, ne, wData);
                TensorPerturbation cfg = TensorPerturbation.random(12, 0.5f, 1);
                MemorySegment expect = heap(wData);
                Reference.perturb(heap(wData), expect, type, 0, n, cfg, seed, -1e-2f);
                for (int nth : new int[] {1, 3, 8}) {
                    MemorySegment outData = arena.allocate(n * type.bytes, 64);
                    MemorySegment dst = tensor(arena, type.ggmlType, type.bytes, ne, outData, w, params(arena, seed, -1e-2f, 0f));
                    run(perturb, dst, nth, cfg.allocate(arena));
                    assertNull(firstDiff(outData, expect, type, n), type + " nth=" + nth);
                }
                // a dst of another type is refused: nothing written
                MemorySegment outData = arena.allocate(n * 4, 64);
                WeightType other = type == WeightType.F32 ? WeightType.F16 : WeightType.F32;
                MemorySegment dst = tensor(arena, other.ggmlType, other.bytes, ne, outData, w, params(arena, seed, 1f, 0f));
                run(perturb, dst, 2, cfg.allocate(arena));
                assertEquals(-1, outData.mismatch(arena.allocate(n * 4, 64)));
            }
        }
    }

    @Test
    void perturbRowsOp() throws Throwable {
        long ne0 = 67;
        int[] ids = {5, 1, 5, 0, 30, 2, 2, 9, 11};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rowsData = weights(arena, WeightType.F32, ne0 * ids.length, 0.1f, 4, false);
            MemorySegment idsData = arena.allocateFrom(ValueLayout.JAVA_INT, ids);
            MemorySegment rows = tensor(arena, 0, 4, new long[] {ne0, ids.length}, rowsData);
            MemorySegment idT = tensor(arena, GGML_TYPE_I32, 4, new long[] {ids.length}, idsData);
            TensorPerturbation cfg = TensorPerturbation.dense(77);
            MemorySegment expect = heap(rowsData);
            Reference.perturbRows(heap(rowsData), heap(idsData), expect, ne0, 0, ids.length, cfg, 5, 1e-3f);
            for (int nth : new int[] {1, 4, 16}) {
                MemorySegment outData = arena.allocate(rowsData.byteSize(), 64);
                MemorySegment dst = tensor(arena, 0, 4, new long[] {ne0, ids.length}, outData, rows, idT, params(arena, 5, 1e-3f, 0f));
                run(perturbRows, dst, nth, cfg.allocate(arena));
                assertNull(firstDiff(outData, expect, WeightType.F32, ne0 * ids.length), "nth=" + nth);
            }
        }
    }

    @Test
    void updateOpInPlace() throws Throwable {
        long[] ne = {129, 7};
        long n = 129 * 7;
        try (Arena arena = Arena.ofConfined()) {
            for (WeightType type : WeightType.values()) {
                MemorySegment base = weights(arena, type, n, 0.1f, 8, false);
                TensorPerturbation cfg = TensorPerturbation.magnitude(3, 0.08f);
                MemorySegment expect = heap(base);
                Reference.update(expect, type, 0, n, cfg, 99, -3e-4f, 1e-3f);
                for (int nth : new int[] {1, 2, 5}) {
                    MemorySegment wData = copy(arena, base);
                    MemorySegment w = tensor(arena, type.ggmlType, type.bytes, ne, wData);
                    MemorySegment view = tensor(arena, type.ggmlType, type.bytes, ne, wData, w, params(arena, 99, -3e-4f, 1e-3f));
                    run(update, view, nth, cfg.allocate(arena));
                    assertNull(firstDiff(wData, expect, type, n), type + " nth=" + nth);
                }
            }
        }
    }
}
