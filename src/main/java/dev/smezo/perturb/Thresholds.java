package dev.smezo.perturb;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * S-MeZO's per-tensor magnitude thresholds: h such that the fraction (1 - sparsity) of the smallest
 * |w| satisfy |w| &lt; h, fixed before training (exact selection in native code), and the fraction a
 * configuration actually perturbs.
 */
public final class Thresholds {
    private Thresholds() {}

    /** h for a sparsity in [0, 1] (0: every finite element, h = +inf; 1: none, h = 0). */
    public static float forSparsity(MemorySegment w, WeightType type, long n, double sparsity, int threads) {
        if (!(sparsity >= 0.0 && sparsity <= 1.0)) throw new IllegalArgumentException("sparsity " + sparsity + " outside [0, 1]");
        return NativeKernels.magnitudeThreshold(w, type, n, 1.0 - sparsity, threads);
    }

    /**
     * The large-weights control's h: |w| &gt;= h for at least the (1 - sparsity) largest, h the
     * (k+1)-th smallest |w| where k = floor(sparsity * n + 0.5) are left out, so ties at the cut are
     * kept as S-MeZO keeps its ties (a tensor of equal values trains whole under both).
     */
    public static float forLargest(MemorySegment w, WeightType type, long n, double sparsity, int threads) {
        if (!(sparsity >= 0.0 && sparsity <= 1.0)) throw new IllegalArgumentException("sparsity " + sparsity + " outside [0, 1]");
        long k = (long) Math.floor(sparsity * (double) n + 0.5);
        if (k <= 0 || n <= 0) return 0f;   // every element
        // nextUp of the (k+1)-th smallest, by the same exact selection; one float below it is that value
        float above = NativeKernels.magnitudeThreshold(w, type, n, (k + 0.75) / (double) n, threads);   // selects k + 1
        return Math.nextDown(above);
    }

    /** The MAGNITUDE configuration of one tensor at a sparsity. */
    public static TensorPerturbation magnitude(int tensorId, MemorySegment w, WeightType type, long n, double sparsity,
                                               int threads) {
        return TensorPerturbation.magnitude(tensorId, forSparsity(w, type, n, sparsity, threads));
    }

    /** The fraction of the n elements that cfg perturbs (the realized 1 - sparsity). */
    public static double realizedFraction(MemorySegment w, WeightType type, long n, TensorPerturbation cfg) {
        if (n == 0) return 0.0;
        try (Arena arena = Arena.ofConfined()) {
            return (double) NativeKernels.countMask(w, type, n, cfg.allocate(arena)) / n;
        }
    }
}
