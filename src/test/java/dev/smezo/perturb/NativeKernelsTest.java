package dev.smezo.perturb;

import static dev.smezo.perturb.NativeSupport.assumeNative;
import static dev.smezo.perturb.NativeSupport.copy;
import static dev.smezo.perturb.NativeSupport.firstDiff;
import static dev.smezo.perturb.NativeSupport.heap;
import static dev.smezo.perturb.NativeSupport.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** libsmezo's range kernels against the Java reference, bit for bit, for every split. */
@Tag("native")
class NativeKernelsTest {
    /** Odd sizes, 2D shapes flattened (37x11, 64x3), and sizes around the 64-element chunk. */
    static final long[] SIZES = {1, 3, 17, 63, 64, 65, 37 * 11, 64 * 3, 1023, 4099};
    static final long SEED = 0xC0FFEE_1234_5678L;

    @BeforeAll
    static void needsNative() {
        assumeNative();
    }

    /** The configurations tried on a tensor: dense, magnitude at a data quantile, random. */
    static List<TensorPerturbation> configs(MemorySegment w, WeightType type, long n, int tensorId) {
        float h = Reference.magnitudeThreshold(heap(w), type, n, 0.3);
        return List.of(TensorPerturbation.dense(tensorId), TensorPerturbation.magnitude(tensorId, h),
                TensorPerturbation.random(tensorId, 0.25f, 0x5EEDL + tensorId), TensorPerturbation.large(tensorId, h));
    }

    /** Split points of [0, n) into 1, 2 and 3 parts at random places. */
    static List<long[]> splits(long n, Random rnd) {
        List<long[]> out = new ArrayList<>();
        out.add(new long[] {0, n});
        long a = rnd.nextLong(n + 1);
        out.add(new long[] {0, a, n});
        long b = rnd.nextLong(n + 1), c = rnd.nextLong(n + 1);
        out.add(new long[] {0, Math.min(b, c), Math.max(b, c), n});
        return out;
    }

    @Test
    void perturbIsBitExact() {
        Random rnd = new Random(11);
        try (Arena arena = Arena.ofConfined()) {
            for (WeightType type : WeightType.values()) {
                for (long n : SIZES) {
                    int tid = (int) (n * 7 + type.ordinal());
                    MemorySegment w = weights(arena, type, n, 0.05f, n, true);
                    for (TensorPerturbation cfg : configs(w, type, n, tid)) {
                        MemorySegment cfgSeg = cfg.allocate(arena);
                        for (float c : new float[] {1e-3f, -1e-3f, 0.37f}) {
                            MemorySegment expect = heap(w);
                            Reference.perturb(heap(w), expect, type, 0, n, cfg, SEED, c);
                            for (long[] cut : splits(n, rnd)) {
                                MemorySegment out = arena.allocate(n * type.bytes, 64);
                                for (int p = 0; p + 1 < cut.length; p++) {
                                    NativeKernels.perturb(w, out, type, cut[p], cut[p + 1], cfgSeg, SEED, c);
                                }
                                String diff = firstDiff(out, expect, type, n);
                                assertNull(diff, () -> type + " n=" + n + " " + cfg + " c=" + c + " splits=" + cut.length + ": " + diff);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void perturbRowsIsBitExactAndMatchesTheFullMatrix() {
        Random rnd = new Random(12);
        long ne0 = 67, vocab = 50;
        int[] ids = {3, 3, 0, 49, 17, 3, 25, 48, 1};   // repeated ids on purpose
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = weights(arena, WeightType.F32, vocab * ne0, 0.05f, 5, false);
            MemorySegment idSeg = arena.allocateFrom(ValueLayout.JAVA_INT, ids);
            MemorySegment rows = arena.allocate(ids.length * ne0 * 4, 64);
            for (int r = 0; r < ids.length; r++) {
                MemorySegment.copy(table, ids[r] * ne0 * 4, rows, r * ne0 * 4, ne0 * 4);
            }
            for (TensorPerturbation cfg : configs(table, WeightType.F32, vocab * ne0, 9)) {
                MemorySegment cfgSeg = cfg.allocate(arena);
                MemorySegment full = arena.allocate(vocab * ne0 * 4, 64);
                NativeKernels.perturb(table, full, WeightType.F32, 0, vocab * ne0, cfgSeg, SEED, 1e-3f);
                MemorySegment expect = heap(rows);
                Reference.perturbRows(heap(rows), heap(idSeg), expect, ne0, 0, ids.length, cfg, SEED, 1e-3f);
                for (long[] cut : splits(ids.length, rnd)) {
                    MemorySegment out = arena.allocate(rows.byteSize(), 64);
                    for (int p = 0; p + 1 < cut.length; p++) {
                        NativeKernels.perturbRows(rows, idSeg, out, ne0, cut[p], cut[p + 1], cfgSeg, SEED, 1e-3f);
                    }
                    assertNull(firstDiff(out, expect, WeightType.F32, ids.length * ne0), cfg.toString());
                    // each row equals the perturbed row of the whole matrix
                    for (int r = 0; r < ids.length; r++) {
                        assertEquals(-1, out.asSlice(r * ne0 * 4, ne0 * 4).mismatch(full.asSlice(ids[r] * ne0 * 4, ne0 * 4)));
                    }
                }
            }
        }
    }

    @Test
    void updateIsBitExact() {
        Random rnd = new Random(13);
        try (Arena arena = Arena.ofConfined()) {
            for (WeightType type : WeightType.values()) {
                for (long n : SIZES) {
                    MemorySegment w = weights(arena, type, n, 0.05f, n + 100, true);
                    for (TensorPerturbation cfg : configs(w, type, n, 40 + (int) n)) {
                        MemorySegment cfgSeg = cfg.allocate(arena);
                        for (float[] cb : new float[][] {{-2e-4f, 0f}, {3e-6f, 1e-4f}, {-0.01f, 0.5f}}) {
                            MemorySegment expect = heap(w);
                            Reference.update(expect, type, 0, n, cfg, SEED, cb[0], cb[1]);
                            for (long[] cut : splits(n, rnd)) {
                                MemorySegment got = copy(arena, w);
                                for (int p = 0; p + 1 < cut.length; p++) {
                                    NativeKernels.update(got, type, cut[p], cut[p + 1], cfgSeg, SEED, cb[0], cb[1]);
                                }
                                String diff = firstDiff(got, expect, type, n);
                                assertNull(diff, () -> type + " n=" + n + " " + cfg + " c=" + cb[0] + " b=" + cb[1] + ": " + diff);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Many copies of one value decayed by b: the rounded results average to the exact float. */
    @Test
    void stochasticRoundingIsUnbiasedAndSeeded() {
        int n = 1 << 20;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment none = TensorPerturbation.magnitude(1, 0f).allocate(arena);   // m = 0: no noise
            for (WeightType type : new WeightType[] {WeightType.F16, WeightType.BF16}) {
                for (float v : new float[] {1.0f, 0.0123f, -3.5f, 2e-6f}) {
                    MemorySegment w = arena.allocate((long) n * 2, 64);
                    for (int i = 0; i < n; i++) Reference.store(w, type, i, v);
                    float wv = Reference.load(w, type, 0);
                    float b = 1e-5f;
                    float target = wv - b * wv;
                    MemorySegment first = copy(arena, w);
                    NativeKernels.update(first, type, 0, n, none, SEED, 0f, b);
                    double sum = 0;
                    for (int i = 0; i < n; i++) sum += Reference.load(first, type, i);
                    float lo = Reference.load(first, type, 0), hi = lo;
                    for (int i = 0; i < n; i++) {
                        float x = Reference.load(first, type, i);
                        lo = Math.min(lo, x);
                        hi = Math.max(hi, x);
                    }
                    double se = (hi - lo) / (2 * Math.sqrt(n));
                    assertEquals(target, sum / n, 4 * se + 1e-12, type + " mean of rounded " + target);
                    assertTrue(lo <= target && target <= hi);
                    MemorySegment again = copy(arena, w);
                    NativeKernels.update(again, type, 0, n, none, SEED, 0f, b);
                    assertEquals(-1, again.mismatch(first), "same seed, same bits");
                    MemorySegment other = copy(arena, w);
                    NativeKernels.update(other, type, 0, n, none, SEED + 1, 0f, b);
                    assertTrue(other.mismatch(first) >= 0, "another seed rounds differently");
                }
            }
        }
    }

    @Test
    void nativeNoiseEqualsJavaOverAWideRange() {
        long[][] ranges = {{0, 1 << 18}, {(1L << 34) - 1000, (1L << 34) + 1000}, {4 * 0xFFFFFFF0L + 1, 4 * 0x100000010L + 3},
                           {(1L << 50) + 7, (1L << 50) + 7 + 4099}};
        try (Arena arena = Arena.ofConfined()) {
            for (long[] r : ranges) {
                int len = (int) (r[1] - r[0]);
                MemorySegment out = arena.allocate(len * 4L, 64);
                NativeKernels.noise(SEED ^ r[0], 77, r[0], r[1], out);
                float[] java = new float[len];
                Noise.fill(SEED ^ r[0], 77, r[0], java);
                for (int k = 0; k < len; k++) {
                    int kk = k;
                    assertEquals(Float.floatToRawIntBits(java[k]), out.getAtIndex(ValueLayout.JAVA_INT, k),
                            () -> "index " + (r[0] + kk));
                }
            }
        }
    }

    @Test
    void countMaskEqualsReference() {
        try (Arena arena = Arena.ofConfined()) {
            for (WeightType type : WeightType.values()) {
                long n = 10_007;
                MemorySegment w = weights(arena, type, n, 1f, 3, true);
                for (TensorPerturbation cfg : configs(w, type, n, 3)) {
                    assertEquals(Reference.countMask(heap(w), type, n, cfg), NativeKernels.countMask(w, type, n, cfg.allocate(arena)),
                            type + " " + cfg);
                }
            }
        }
    }

    @Test
    void configLayoutMatchesTheBindingsAndC() {
        var c = NativeKernels.cfgLayout();
        assertEquals(32, TensorPerturbation.LAYOUT.byteSize());
        assertEquals(c.byteSize(), TensorPerturbation.LAYOUT.byteSize());
        assertEquals(c.byteAlignment(), TensorPerturbation.LAYOUT.byteAlignment());
        for (String f : new String[] {"tensor_id", "mask_mode", "threshold", "keep_rate", "mask_seed", "scale_mode", "scale_gain"}) {
            var path = java.lang.foreign.MemoryLayout.PathElement.groupElement(f);
            assertEquals(c.byteOffset(path), TensorPerturbation.LAYOUT.byteOffset(path), f);
        }
        try (Arena arena = Arena.ofConfined()) {
            TensorPerturbation t = TensorPerturbation.random(-5, 0.3f, -77L);
            assertEquals(t, TensorPerturbation.readFrom(t.allocate(arena)));
            TensorPerturbation q = t.withScale(ScaleMode.RELATIVE, 7.5f);
            assertEquals(q, TensorPerturbation.readFrom(q.allocate(arena)));
        }
        // the mask modes' codes are the C header's
        assertEquals(dev.smezo.bindings.smezo_h.SMEZO_MASK_DENSE(), MaskMode.DENSE.code());
        assertEquals(dev.smezo.bindings.smezo_h.SMEZO_MASK_MAGNITUDE(), MaskMode.MAGNITUDE.code());
        assertEquals(dev.smezo.bindings.smezo_h.SMEZO_MASK_RANDOM(), MaskMode.RANDOM.code());
        assertEquals(dev.smezo.bindings.smezo_h.SMEZO_MASK_LARGE(), MaskMode.LARGE.code());
    }

    @Test
    void badArgumentsThrowBeforeNativeCode() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(40, 64);
            MemorySegment cfg = TensorPerturbation.dense(0).allocate(arena);
            assertThrows(IndexOutOfBoundsException.class, () -> NativeKernels.perturb(w, w, WeightType.F32, 0, 11, cfg, 1, 1f));
            assertThrows(IndexOutOfBoundsException.class, () -> NativeKernels.perturb(w, w, WeightType.F32, 5, 4, cfg, 1, 1f));
            assertThrows(IllegalArgumentException.class,
                    () -> NativeKernels.perturb(MemorySegment.ofArray(new float[10]), w, WeightType.F32, 0, 10, cfg, 1, 1f));
            MemorySegment bad = arena.allocate(32, 8);
            bad.set(ValueLayout.JAVA_INT, 4, 7);
            assertThrows(IllegalArgumentException.class, () -> NativeKernels.update(w, WeightType.F16, 0, 20, bad, 1, 1f, 0f));
            assertThrows(IndexOutOfBoundsException.class, () -> NativeKernels.update(w, WeightType.F16, 0, 21, cfg, 1, 1f, 0f));
            assertThrows(IndexOutOfBoundsException.class, () -> NativeKernels.noise(1, 0, 0, 11, w));
            assertEquals(3, NativeKernels.version());
        }
    }
}
