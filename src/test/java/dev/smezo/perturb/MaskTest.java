package dev.smezo.perturb;

import static dev.smezo.perturb.NativeSupport.assumeNative;
import static dev.smezo.perturb.NativeSupport.copy;
import static dev.smezo.perturb.NativeSupport.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The masks: realized sparsity, and one mask for +eps, -eps and the update. */
@Tag("native")
class MaskTest {
    @BeforeAll
    static void needsNative() {
        assumeNative();
    }

    @Test
    void realizedFractionMatchesSparsity() {
        long n = 1_000_003;
        try (Arena arena = Arena.ofConfined()) {
            for (WeightType type : WeightType.values()) {
                MemorySegment w = weights(arena, type, n, 0.02f, 21 + type.ordinal(), false);
                for (double s : new double[] {0.0, 0.5, 0.8, 0.9, 0.99}) {
                    TensorPerturbation mag = Thresholds.magnitude(5, w, type, n, s, 2);
                    double realized = Thresholds.realizedFraction(w, type, n, mag);
                    assertEquals(1 - s, realized, 0.005, type + " magnitude, sparsity " + s);
                    TensorPerturbation rnd = TensorPerturbation.random(5, (float) (1 - s), 99);
                    assertEquals(1 - s, Thresholds.realizedFraction(w, type, n, rnd), 0.005, type + " random, sparsity " + s);
                    // the large-weights control: the complement of S-MeZO's mask at sparsity 1 - s
                    TensorPerturbation small = Thresholds.magnitude(5, w, type, n, 1 - s, 2);
                    TensorPerturbation large = TensorPerturbation.large(5, small.threshold());
                    assertEquals(1 - s, Thresholds.realizedFraction(w, type, n, large), 0.005, type + " large, sparsity " + s);
                    assertEquals(n, NativeKernels.countMask(w, type, n, small.allocate(arena))
                            + NativeKernels.countMask(w, type, n, large.allocate(arena)), type + " small + large = all");
                }
            }
        }
    }

    /** The large-weights control keeps the (1 - sparsity) largest, and ties at the cut as S-MeZO keeps its own. */
    @Test
    void largestKeepsItsFractionAndTheTies() {
        try (Arena arena = Arena.ofConfined()) {
            long n = 100_003;
            MemorySegment w = weights(arena, WeightType.F32, n, 0.02f, 77, false);
            for (double s : new double[] {0.0, 0.5, 0.8, 0.99}) {
                TensorPerturbation large = TensorPerturbation.large(3, Thresholds.forLargest(w, WeightType.F32, n, s, 2));
                long kept = NativeKernels.countMask(w, WeightType.F32, n, large.allocate(arena));
                assertEquals(n - (long) Math.floor(s * n + 0.5), kept, "sparsity " + s);
                // every kept |w| is at least every left-out one
                float minKept = Float.MAX_VALUE, maxOut = 0;
                for (long i = 0; i < n; i++) {
                    float a = Math.abs(w.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i));
                    if (large.keeps(a, i)) minKept = Math.min(minKept, a);
                    else maxOut = Math.max(maxOut, a);
                }
                assertTrue(minKept >= maxOut, "sparsity " + s);
            }
            MemorySegment ones = arena.allocate(4L * 1000, 4);
            for (int i = 0; i < 1000; i++) ones.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, 1f);
            for (TensorPerturbation p : new TensorPerturbation[] {
                    TensorPerturbation.large(1, Thresholds.forLargest(ones, WeightType.F32, 1000, 0.8, 1)),
                    Thresholds.magnitude(1, ones, WeightType.F32, 1000, 0.8, 1)}) {
                assertEquals(1000, NativeKernels.countMask(ones, WeightType.F32, 1000, p.allocate(arena)), p.mode() + ": equal values");
            }
        }
    }

    /**
     * Weights at nextDown(h), h, nextUp(h) (both signs): the elements below h move in +eps, -eps and the
     * update, the others keep their bits in all three.
     */
    @Test
    void sameMaskForBothForwardsAndTheUpdate() {
        float h = 0.25f;
        float[] edge = {Math.nextDown(h), h, Math.nextUp(h), -Math.nextDown(h), -h, -Math.nextUp(h), 0f, 1f};
        int n = 4099;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(4L * n, 64);
            for (int i = 0; i < n; i++) w.setAtIndex(ValueLayout.JAVA_FLOAT, i, edge[i % edge.length]);
            MemorySegment cfg = TensorPerturbation.magnitude(8, h).allocate(arena);
            long seed = 424242;
            MemorySegment plus = arena.allocate(4L * n, 64), minus = arena.allocate(4L * n, 64);
            NativeKernels.perturb(w, plus, WeightType.F32, 0, n, cfg, seed, 0.5f);
            NativeKernels.perturb(w, minus, WeightType.F32, 0, n, cfg, seed, -0.5f);
            MemorySegment upd = copy(arena, w);
            NativeKernels.update(upd, WeightType.F32, 0, n, cfg, seed, 0.5f, 0f);
            int moved = 0;
            for (int i = 0; i < n; i++) {
                float x = w.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                boolean expect = Math.abs(x) < h;
                int bits = w.getAtIndex(ValueLayout.JAVA_INT, i);
                String at = "element " + i + " = " + x;
                assertEquals(expect, plus.getAtIndex(ValueLayout.JAVA_INT, i) != bits, at + " (+eps)");
                assertEquals(expect, minus.getAtIndex(ValueLayout.JAVA_INT, i) != bits, at + " (-eps)");
                assertEquals(expect, upd.getAtIndex(ValueLayout.JAVA_INT, i) != bits, at + " (update)");
                if (expect) {
                    moved++;
                    // +eps and -eps are mirror images, and the update moves like +eps
                    assertEquals(x - plus.getAtIndex(ValueLayout.JAVA_FLOAT, i), minus.getAtIndex(ValueLayout.JAVA_FLOAT, i) - x, 1e-6f, at);
                    assertEquals(plus.getAtIndex(ValueLayout.JAVA_INT, i), upd.getAtIndex(ValueLayout.JAVA_INT, i), at);
                }
            }
            assertTrue(moved > n / 3, "moved " + moved);
        }
    }

    @Test
    void randomMaskIsFixedByItsSeedAndIndependentOfTheStepSeed() {
        long n = 100_000;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = weights(arena, WeightType.F32, n, 1f, 1, false);
            MemorySegment cfg = TensorPerturbation.random(2, 0.2f, 777).allocate(arena);
            MemorySegment a = arena.allocate(4 * n, 64), b = arena.allocate(4 * n, 64);
            NativeKernels.perturb(w, a, WeightType.F32, 0, n, cfg, 1, 1f);
            NativeKernels.perturb(w, b, WeightType.F32, 0, n, cfg, 2, 1f);
            for (long i = 0; i < n; i++) {
                int bits = w.getAtIndex(ValueLayout.JAVA_INT, i);
                assertEquals(a.getAtIndex(ValueLayout.JAVA_INT, i) != bits, b.getAtIndex(ValueLayout.JAVA_INT, i) != bits);
            }
        }
    }
}
