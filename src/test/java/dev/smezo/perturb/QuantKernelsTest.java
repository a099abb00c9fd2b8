package dev.smezo.perturb;

import static dev.smezo.perturb.NativeSupport.assumeNative;
import static dev.smezo.perturb.NativeSupport.heap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/**
 * libsmezo's kernels of quantized tensors (the scales train) against the plain-Java reference,
 * bit for bit, for every type, mask, scale mode and split of the blocks.
 */
@Tag("native")
class QuantKernelsTest {
    static final long SEED = 0x9A_1234_5678L;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    /** Block counts around the 64-parameter chunk (1 or 2 scales per block). */
    static final long[] BLOCKS = {1, 3, 31, 32, 33, 65, 130};

    @BeforeAll
    static void needsNative() {
        assumeNative();
    }

    /** Random block bytes with finite scales ~ N(0, 0.01^2), some special (0, -0, subnormal, large, negative). */
    static MemorySegment blocks(Arena arena, QuantScales q, long nBlocks, long seed) {
        Random rnd = new Random(seed);
        MemorySegment w = arena.allocate(nBlocks * q.blockBytes(), 64);
        for (long i = 0; i < w.byteSize(); i++) w.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
        float[] special = {0f, -0f, 6e-8f, -3e-5f, 1e-3f, 60000f, -2f};
        for (long p = 0; p < q.parameters(nBlocks * q.blockElements()); p++) {
            float v = (float) (rnd.nextGaussian() * 0.01);
            if (rnd.nextInt(10) == 0) v = special[rnd.nextInt(special.length)];
            w.set(U16, q.byteOffset(p), Fp16.floatToF16(v));
        }
        return w;
    }

    static List<TensorPerturbation> configs(MemorySegment w, QuantScales q, long nBlocks, int tid) {
        long n = q.parameters(nBlocks * q.blockElements());
        MemorySegment scales = MemorySegment.ofArray(new short[(int) n]);
        for (long p = 0; p < n; p++) scales.setAtIndex(U16, p, w.get(U16, q.byteOffset(p)));
        float h = Reference.magnitudeThreshold(scales, WeightType.F16, n, 0.4);
        List<TensorPerturbation> out = new ArrayList<>();
        for (ScaleMode mode : ScaleMode.values()) {
            float gain = mode == ScaleMode.RELATIVE ? 10f : 0.5f;
            out.add(TensorPerturbation.dense(tid).withScale(mode, gain));
            out.add(TensorPerturbation.magnitude(tid, h).withScale(mode, gain));
            out.add(TensorPerturbation.random(tid, 0.3f, 0x77L + tid).withScale(mode, gain));
            out.add(TensorPerturbation.large(tid, h).withScale(mode, gain));
        }
        return out;
    }

    static List<long[]> splits(long n, Random rnd) {
        long a = rnd.nextLong(n + 1), b = rnd.nextLong(n + 1), c = rnd.nextLong(n + 1);
        return List.of(new long[] {0, n}, new long[] {0, a, n}, new long[] {0, Math.min(b, c), Math.max(b, c), n});
    }

    @Test
    void layoutsAreLibsmezos() {
        for (QuantScales q : QuantScales.values()) {
            int[] l = NativeKernels.quantLayout(q.type.id());
            assertTrue(l != null, q + " is taken by libsmezo");
            assertEquals(q.blockElements(), l[0], q + " elements");
            assertEquals(q.blockBytes(), l[1], q + " bytes");
            assertEquals(q.scalesPerBlock(), l[2], q + " scales");
            for (int s = 0; s < q.scalesPerBlock(); s++) assertEquals(q.offset(s), l[3 + s], q + " offset of scale " + s);
        }
        for (dev.smezo.gguf.GgmlType t : dev.smezo.gguf.GgmlType.values()) {
            if (QuantScales.of(t) == null) assertEquals(null, NativeKernels.quantLayout(t.id()), t + " is refused");
        }
    }

    @Test
    void perturbIsBitExact() {
        Random rnd = new Random(3);
        try (Arena arena = Arena.ofConfined()) {
            for (QuantScales q : QuantScales.values()) {
                for (long nb : BLOCKS) {
                    int tid = (int) (nb * 13 + q.ordinal());
                    MemorySegment w = blocks(arena, q, nb, tid);
                    for (TensorPerturbation cfg : configs(w, q, nb, tid)) {
                        MemorySegment cfgSeg = cfg.allocate(arena);
                        for (float c : new float[] {1e-3f, -1e-3f, 0.25f}) {
                            MemorySegment expect = heap(w);
                            Reference.quantPerturb(heap(w), expect, q, 0, nb, cfg, SEED, c);
                            for (long[] cut : splits(nb, rnd)) {
                                MemorySegment out = arena.allocate(w.byteSize(), 64);
                                for (int i = 0; i + 1 < cut.length; i++) {
                                    NativeKernels.quantPerturb(w, out, q, cut[i], cut[i + 1], cfgSeg, SEED, c);
                                }
                                long at = out.mismatch(expect);
                                assertEquals(-1, at, () -> q + " blocks=" + nb + " " + cfg + " c=" + c + ": byte " + at);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void updateIsBitExact() {
        Random rnd = new Random(5);
        try (Arena arena = Arena.ofConfined()) {
            for (QuantScales q : QuantScales.values()) {
                for (long nb : BLOCKS) {
                    int tid = (int) (nb * 17 + q.ordinal());
                    MemorySegment w0 = blocks(arena, q, nb, tid + 1000);
                    for (TensorPerturbation cfg : configs(w0, q, nb, tid)) {
                        MemorySegment cfgSeg = cfg.allocate(arena);
                        // a tiny step (stochastic rounding decides), a large one (sign guard), and decay
                        for (float[] cb : new float[][] {{-1e-4f, 0f}, {3f, 0f}, {-2e-3f, 1e-3f}}) {
                            MemorySegment expect = heap(w0);
                            Reference.quantUpdate(expect, q, 0, nb, cfg, SEED, cb[0], cb[1]);
                            for (long[] cut : splits(nb, rnd)) {
                                MemorySegment w = NativeSupport.copy(arena, w0);
                                for (int i = 0; i + 1 < cut.length; i++) {
                                    NativeKernels.quantUpdate(w, q, cut[i], cut[i + 1], cfgSeg, SEED, cb[0], cb[1]);
                                }
                                long at = w.mismatch(expect);
                                assertEquals(-1, at, () -> q + " blocks=" + nb + " " + cfg + " c=" + cb[0] + ": byte " + at);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Only the scales move: every other byte of every block is the input's. */
    @Test
    void quantsStayAndScalesKeepTheirSign() {
        try (Arena arena = Arena.ofConfined()) {
            for (QuantScales q : QuantScales.values()) {
                long nb = 200;
                MemorySegment w0 = blocks(arena, q, nb, 42 + q.ordinal());
                MemorySegment w = NativeSupport.copy(arena, w0);
                TensorPerturbation cfg = TensorPerturbation.dense(7).withScale(ScaleMode.RELATIVE, 10f);
                NativeKernels.quantUpdate(w, q, 0, nb, cfg.allocate(arena), SEED, 0.5f, 0f);   // steps of 5 |v| z
                long moved = 0, n = q.parameters(nb * q.blockElements());
                boolean[] scaleByte = new boolean[(int) w.byteSize()];
                for (long p = 0; p < n; p++) {
                    long at = q.byteOffset(p);
                    scaleByte[(int) at] = scaleByte[(int) at + 1] = true;
                    float before = Fp16.f16ToFloat(w0.get(U16, at)), after = Fp16.f16ToFloat(w.get(U16, at));
                    if (before != after) moved++;
                    if (before > 0) assertTrue(after > 0, q + " scale " + p + ": " + before + " -> " + after);
                    if (before < 0) assertTrue(after < 0, q + " scale " + p + ": " + before + " -> " + after);
                }
                for (int i = 0; i < scaleByte.length; i++) {
                    if (!scaleByte[i]) assertEquals(w0.get(ValueLayout.JAVA_BYTE, i), w.get(ValueLayout.JAVA_BYTE, i), q + " byte " + i);
                }
                assertTrue(moved > n / 2, q + ": " + moved + " of " + n + " scales moved");
            }
        }
    }

    /** An update far below one F16 ulp moves the scales on average by the right amount (stochastic rounding). */
    @Test
    void subUlpUpdatesSurviveOnAverage() {
        try (Arena arena = Arena.ofConfined()) {
            QuantScales q = QuantScales.Q8_0;
            long nb = 20000;
            MemorySegment w = arena.allocate(nb * q.blockBytes(), 64);
            for (long p = 0; p < nb; p++) w.set(U16, q.byteOffset(p), Fp16.floatToF16(0.01f));
            // absolute, decay only: t = v - b v with b = 1e-4, a tenth of an F16 ulp of 0.01 (9.8e-6 / 0.01 ~ 1e-3)
            TensorPerturbation cfg = TensorPerturbation.dense(1).withScale(ScaleMode.ABSOLUTE, 1f);
            NativeKernels.quantUpdate(w, q, 0, nb, cfg.allocate(arena), SEED, 0f, 1e-4f);
            double sum = 0;
            for (long p = 0; p < nb; p++) sum += Fp16.f16ToFloat(w.get(U16, q.byteOffset(p)));
            double mean = sum / nb, want = Fp16.f16ToFloat(Fp16.floatToF16(0.01f)) * (1 - 1e-4);
            assertEquals(want, mean, 2e-8, "mean scale after a sub-ulp decay");
            assertNotEquals(Fp16.f16ToFloat(Fp16.floatToF16(0.01f)), (float) mean);
        }
    }

    @Test
    void nonFiniteScalesAreFound() {
        try (Arena arena = Arena.ofConfined()) {
            for (QuantScales q : QuantScales.values()) {
                long nb = 9;
                MemorySegment w = blocks(arena, q, nb, 1);
                for (long p = 0; p < q.parameters(nb * q.blockElements()); p++) {
                    float v = Fp16.f16ToFloat(w.get(U16, q.byteOffset(p)));
                    if (!Float.isFinite(v)) w.set(U16, q.byteOffset(p), (short) 0);
                }
                assertEquals(-1, NativeKernels.firstNonFiniteScale(w, q, nb), q.toString());
                long bad = q.scalesPerBlock() * 5L + q.scalesPerBlock() - 1;
                w.set(U16, q.byteOffset(bad), (short) 0x7E00);   // NaN
                assertEquals(bad, NativeKernels.firstNonFiniteScale(w, q, nb), q + " NaN");
                w.set(U16, q.byteOffset(bad - 1), (short) 0xFC00);   // -inf
                assertEquals(bad - 1, NativeKernels.firstNonFiniteScale(w, q, nb), q + " -inf");
                short[] got = new short[(int) q.parameters(nb * q.blockElements())];
                MemorySegment out = arena.allocate(2L * got.length, 8);
                NativeKernels.gatherScales(w, q, nb, out);
                for (int p = 0; p < got.length; p++) assertEquals(w.get(U16, q.byteOffset(p)), out.getAtIndex(U16, p), q + " gather " + p);
            }
        }
    }

    @Test
    void noiseOfScaleParameterPIsElementNoiseP() {
        // The scales draw the very noise of element indices 0..P-1 of the tensor id: dense, absolute, gain 1, v = 0.
        try (Arena arena = Arena.ofConfined()) {
            QuantScales q = QuantScales.Q4_K;
            long nb = 40, n = q.parameters(nb * q.blockElements());
            MemorySegment w = arena.allocate(nb * q.blockBytes(), 64);
            MemorySegment out = arena.allocate(w.byteSize(), 64);
            TensorPerturbation cfg = TensorPerturbation.dense(321).withScale(ScaleMode.ABSOLUTE, 1f);
            NativeKernels.quantPerturb(w, out, q, 0, nb, cfg.allocate(arena), SEED, 1f);
            MemorySegment z = arena.allocate(4 * n, 8);
            NativeKernels.noise(SEED, 321, 0, n, z);
            short[] want = new short[(int) n], got = new short[(int) n];
            for (int p = 0; p < n; p++) {
                want[p] = Fp16.floatToF16(z.getAtIndex(ValueLayout.JAVA_FLOAT, p));
                got[p] = out.get(U16, q.byteOffset(p));
            }
            assertArrayEquals(want, got);
        }
    }
}
