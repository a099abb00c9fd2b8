package dev.smezo.perturb;

import static dev.smezo.perturb.NativeSupport.assumeNative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** 10^7 draws of the native generator: moments, Kolmogorov-Smirnov against N(0, 1), correlations. */
@Tag("native")
class NoiseStatisticsTest {
    static final int N = 10_000_000;
    static final long SEED = 0x0123_4567_89AB_CDEFL;

    @BeforeAll
    static void needsNative() {
        assumeNative();
    }

    static float[] draws(long seed, int tensorId, long start, int n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(4L * n, 64);
            NativeKernels.noise(seed, tensorId, start, start + n, out);
            return out.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    @Test
    void momentsAndDistribution() {
        float[] z = draws(SEED, 3, 0, N);
        double sum = 0, sq = 0, four = 0;
        for (float v : z) {
            sum += v;
            sq += (double) v * v;
            four += (double) v * v * v * v;
        }
        double mean = sum / N, var = sq / N - mean * mean;
        assertEquals(0, mean, 5 / Math.sqrt(N), "mean");
        assertEquals(1, var, 5 * Math.sqrt(2.0 / N), "variance");
        assertEquals(3, four / N, 5 * Math.sqrt(96.0 / N), "fourth moment");
        Arrays.sort(z);
        double d = 0;
        for (int i = 0; i < N; i++) {
            double f = normalCdf(z[i]);
            d = Math.max(d, Math.max(f - (double) i / N, (double) (i + 1) / N - f));
        }
        System.out.printf("n=%d mean=%.3e var=%.6f m4=%.5f KS D=%.3e (critical %.3e)%n", N, mean, var, four / N, d,
                1.95 / Math.sqrt(N));
        assertTrue(d < 1.95 / Math.sqrt(N), "KS statistic " + d + " >= critical " + 1.95 / Math.sqrt(N));
    }

    @Test
    void independentAcrossTensorsSeedsAndLanes() {
        int n = N;
        float[] a = draws(SEED, 3, 0, n);
        double bound = 5 / Math.sqrt(n);
        assertEquals(0, correlation(a, draws(SEED, 4, 0, n), 0), bound, "tensor ids 3 vs 4");
        assertEquals(0, correlation(a, draws(SEED + 1, 3, 0, n), 0), bound, "seeds s vs s+1");
        assertEquals(0, correlation(a, draws(SEED ^ (1L << 32), 3, 0, n), 0), bound, "seeds differing in the high word");
        assertEquals(0, correlation(a, a, 1), bound, "neighbouring elements (lag 1)");
        assertEquals(0, correlation(a, a, 4), bound, "neighbouring blocks (lag 4)");
    }

    /** Pearson correlation of x[i] and y[i + lag]. */
    static double correlation(float[] x, float[] y, int lag) {
        int n = Math.min(x.length, y.length - lag);
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < n; i++) {
            double u = x[i], v = y[i + lag];
            sx += u;
            sy += v;
            sxx += u * u;
            syy += v * v;
            sxy += u * v;
        }
        double cov = sxy / n - (sx / n) * (sy / n);
        return cov / Math.sqrt((sxx / n - (sx / n) * (sx / n)) * (syy / n - (sy / n) * (sy / n)));
    }

    /** Phi(x) = erfc(-x / sqrt 2) / 2. */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** erfc with relative error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    @Test
    void erfcIsRight() {
        assertEquals(1.0, erfc(0), 1e-7);
        assertEquals(0.157299207050285, erfc(1), 2e-7);
        assertEquals(1.842700792949715, erfc(-1), 2e-7);
        assertEquals(0.00467773498104727, erfc(2), 1e-8);
        assertEquals(0.975, normalCdf(1.959963984540054), 1e-7);
    }
}
