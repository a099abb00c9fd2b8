package dev.smezo.perturb;

import static dev.smezo.perturb.NativeSupport.assumeNative;
import static dev.smezo.perturb.NativeSupport.heap;
import static dev.smezo.perturb.NativeSupport.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The native radix selection against sorting. */
@Tag("native")
class ThresholdTest {
    static final double[] KEEP = {0.0, 1e-7, 0.2, 0.5, 0.8, 0.999999, 1.0};

    @BeforeAll
    static void needsNative() {
        assumeNative();
    }

    @Test
    void equalsSortingOnRandomDataWithTiesAndSpecials() {
        try (Arena arena = Arena.ofConfined()) {
            for (WeightType type : WeightType.values()) {
                for (long n : new long[] {1, 2, 5, 1000, 100_003, 300_000}) {
                    MemorySegment normal = weights(arena, type, n, 0.03f, n, n < 200_000);
                    MemorySegment ties = weights(arena, type, n, 1f, n + 1, false);
                    for (long i = 0; i < n; i++) {   // few distinct values: heavy ties (and +-0)
                        Reference.store(ties, type, i, Math.round(Reference.load(ties, type, i) * 3) / 3f);
                    }
                    for (MemorySegment w : new MemorySegment[] {normal, ties}) {
                        MemorySegment ref = heap(w);
                        for (double keep : KEEP) {
                            float expect = Reference.magnitudeThreshold(ref, type, n, keep);
                            for (int threads : new int[] {1, 2, 3}) {
                                float got = NativeKernels.magnitudeThreshold(w, type, n, keep, threads);
                                assertEquals(Float.floatToRawIntBits(expect), Float.floatToRawIntBits(got),
                                        type + " n=" + n + " keep=" + keep + " threads=" + threads + ": " + got + " vs " + expect);
                            }
                            checkMinimal(w, type, n, keep, expect, arena);
                        }
                    }
                }
            }
        }
    }

    /** At least k elements lie below h, and fewer below the float just under h. */
    private static void checkMinimal(MemorySegment w, WeightType type, long n, double keep, float h, Arena arena) {
        long k = Math.min(n, (long) Math.floor(keep * n + 0.5));
        if (keep <= 0 || keep >= 1 || k == 0 || Float.isInfinite(h)) return;
        long below = NativeKernels.countMask(w, type, n, TensorPerturbation.magnitude(0, h).allocate(arena));
        long under = NativeKernels.countMask(w, type, n, TensorPerturbation.magnitude(0, Math.nextDown(h)).allocate(arena));
        assertTrue(below >= k && under < k, "k=" + k + " below=" + below + " under=" + under);
    }

    @Test
    void edgeCases() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = weights(arena, WeightType.F32, 100, 1f, 1, false);
            assertEquals(Float.POSITIVE_INFINITY, NativeKernels.magnitudeThreshold(w, WeightType.F32, 100, 1.0, 1));
            assertEquals(0f, NativeKernels.magnitudeThreshold(w, WeightType.F32, 100, 0.0, 1));
            assertEquals(0f, NativeKernels.magnitudeThreshold(w, WeightType.F32, 0, 0.5, 1));
            assertThrows(IllegalArgumentException.class, () -> NativeKernels.magnitudeThreshold(w, WeightType.F32, 100, Double.NaN, 1));
            assertThrows(IllegalArgumentException.class, () -> Thresholds.forSparsity(w, WeightType.F32, 100, 1.5, 1));
            MemorySegment zeros = arena.allocate(400, 64);
            assertEquals(Float.MIN_VALUE, NativeKernels.magnitudeThreshold(zeros, WeightType.F32, 100, 0.5, 2));
        }
    }
}
