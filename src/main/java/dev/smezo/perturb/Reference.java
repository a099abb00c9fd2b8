package dev.smezo.perturb;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The kernels of native/src in plain Java, element by element, for tests: same signatures as the
 * native entry points ({@link NativeKernels}), same float32 arithmetic, so the results are bit-identical.
 * Segments may be heap or native; indices are elements.
 *
 * <pre>
 * perturb: out = m ? w + c*z : w          (F16/BF16: round to nearest even; where m = 0 the bits are copied)
 * update:  t = w - b*w;  w = m ? t + c*z : t   (m from the old w; F16/BF16: stochastic rounding, stream 2)
 * </pre>
 */
public final class Reference {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private Reference() {}

    /** Element i of w as float (exact). */
    public static float load(MemorySegment w, WeightType type, long i) {
        return switch (type) {
            case F32 -> w.getAtIndex(F32, i);
            case F16 -> Fp16.f16ToFloat(w.getAtIndex(U16, i));
            case BF16 -> Fp16.bf16ToFloat(w.getAtIndex(U16, i));
        };
    }

    /** Stores f into element i of out, rounded to nearest even. */
    public static void store(MemorySegment out, WeightType type, long i, float f) {
        switch (type) {
            case F32 -> out.setAtIndex(F32, i, f);
            case F16 -> out.setAtIndex(U16, i, Fp16.floatToF16(f));
            case BF16 -> out.setAtIndex(U16, i, Fp16.floatToBf16(f));
        }
    }

    private static void copy(MemorySegment w, MemorySegment out, WeightType type, long i) {
        if (type == WeightType.F32) out.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, w.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i));
        else out.setAtIndex(U16, i, w.getAtIndex(U16, i));
    }

    /** Elements [start, end): out = w + c*z*m. */
    public static void perturb(MemorySegment w, MemorySegment out, WeightType type, long start, long end,
                               TensorPerturbation cfg, long seed, float c) {
        Cursor cur = new Cursor(cfg, seed);
        for (long i = start; i < end; i++) {
            float wf = load(w, type, i);
            if (cur.keeps(wf, i)) store(out, type, i, wf + c * cur.z(i));
            else copy(w, out, type, i);
        }
    }

    /** Rows [rowStart, rowEnd) of rows [ne0, n] (F32), row r holding row ids[r] of the full matrix. */
    public static void perturbRows(MemorySegment rows, MemorySegment ids, MemorySegment out, long ne0, long rowStart,
                                   long rowEnd, TensorPerturbation cfg, long seed, float c) {
        Cursor cur = new Cursor(cfg, seed);
        for (long r = rowStart; r < rowEnd; r++) {
            long base = (long) ids.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, r) * ne0;
            for (long col = 0; col < ne0; col++) {
                long k = r * ne0 + col;
                float wf = rows.getAtIndex(F32, k);
                out.setAtIndex(F32, k, cur.keeps(wf, base + col) ? wf + c * cur.z(base + col) : wf);
            }
        }
    }

    /** In place on [start, end): w = (w - b*w) + m*c*z, F16/BF16 stochastically rounded. */
    public static void update(MemorySegment w, WeightType type, long start, long end, TensorPerturbation cfg,
                              long seed, float c, float b) {
        Cursor cur = new Cursor(cfg, seed);
        for (long i = start; i < end; i++) {
            float wf = load(w, type, i);
            boolean m = cur.keeps(wf, i);
            float t = wf - b * wf;
            float x = m ? t + c * cur.z(i) : t;
            switch (type) {
                case F32 -> w.setAtIndex(F32, i, x);
                case F16 -> w.setAtIndex(U16, i, Fp16.floatToF16Stochastic(x, cur.round(i)));
                case BF16 -> w.setAtIndex(U16, i, Fp16.floatToBf16Stochastic(x, cur.round(i)));
            }
        }
    }

    /**
     * Quantized w, blocks [blockStart, blockEnd): the blocks copied to out, then each trained scale v
     * (parameter p) set to m ? f16(v + k * (z_p * a)) : v, with a = |v| (RELATIVE) or 1 and k = c * gain.
     */
    public static void quantPerturb(MemorySegment w, MemorySegment out, QuantScales q, long blockStart, long blockEnd,
                                    TensorPerturbation cfg, long seed, float c) {
        long from = blockStart * q.blockBytes(), to = blockEnd * q.blockBytes();
        MemorySegment.copy(w, from, out, from, to - from);
        Cursor cur = new Cursor(cfg, seed);
        float k = c * cfg.scaleGain();
        for (long p = blockStart * q.scalesPerBlock(); p < blockEnd * q.scalesPerBlock(); p++) {
            long at = q.byteOffset(p);
            float v = Fp16.f16ToFloat(out.get(U16, at));
            if (!cur.keeps(v, p)) continue;
            out.set(U16, at, Fp16.floatToF16(v + k * (cur.z(p) * scaleFactor(cfg, v))));
        }
    }

    /**
     * Quantized w, in place on the scales of blocks [blockStart, blockEnd): t = v - b*v,
     * x = m ? t + k * (z_p * a) : t, x = t where x would not keep v's sign, then F16 stochastic rounding
     * (a nonzero scale that rounds to 0 becomes the smallest subnormal of its sign).
     */
    public static void quantUpdate(MemorySegment w, QuantScales q, long blockStart, long blockEnd, TensorPerturbation cfg,
                                   long seed, float c, float b) {
        Cursor cur = new Cursor(cfg, seed);
        float k = c * cfg.scaleGain();
        for (long p = blockStart * q.scalesPerBlock(); p < blockEnd * q.scalesPerBlock(); p++) {
            long at = q.byteOffset(p);
            float v = Fp16.f16ToFloat(w.get(U16, at));
            boolean m = cur.keeps(v, p);
            float t = v - b * v;
            float x = m ? t + k * (cur.z(p) * scaleFactor(cfg, v)) : t;
            if ((v > 0f && !(x > 0f)) || (v < 0f && !(x < 0f))) x = t;
            short h = Fp16.floatToF16Stochastic(x, cur.round(p));
            if ((h & 0x7FFF) == 0 && v != 0f) h = (short) (v < 0f ? 0x8001 : 0x0001);   // a scale never reaches 0
            w.set(U16, at, h);
        }
    }

    private static float scaleFactor(TensorPerturbation cfg, float v) {
        return cfg.scaleMode() == ScaleMode.RELATIVE ? Math.abs(v) : 1f;
    }

    /** How many of the n elements the mask keeps. */
    public static long countMask(MemorySegment w, WeightType type, long n, TensorPerturbation cfg) {
        Cursor cur = new Cursor(cfg, 0);
        long count = 0;
        for (long i = 0; i < n; i++) {
            if (cfg.mode() == MaskMode.DENSE || cur.keeps(cfg.mode().byMagnitude() ? load(w, type, i) : 0f, i)) count++;
        }
        return count;
    }

    /**
     * The smallest float h with #{i : |w_i| &lt; h} &gt;= k, k = floor(keepFraction * n + 0.5), by sorting:
     * nextUp of the k-th smallest |w| (+inf when that is inf or NaN). keepFraction &gt;= 1 gives +inf,
     * &lt;= 0 gives 0.
     */
    public static float magnitudeThreshold(MemorySegment w, WeightType type, long n, double keepFraction) {
        if (Double.isNaN(keepFraction)) return Float.NaN;
        if (keepFraction >= 1.0) return Float.POSITIVE_INFINITY;
        if (keepFraction <= 0.0 || n <= 0) return 0f;
        long k = (long) Math.floor(keepFraction * (double) n + 0.5);
        if (k <= 0) return 0f;
        k = Math.min(k, n);
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = Math.abs(load(w, type, i));
        Arrays.sort(a);   // NaN last
        float kth = a[(int) (k - 1)];
        return Float.isNaN(kth) || Float.isInfinite(kth) ? Float.POSITIVE_INFINITY : Math.nextUp(kth);
    }

    /** Noise and uniforms of consecutive elements, one Philox block at a time. */
    private static final class Cursor {
        private final TensorPerturbation cfg;
        private final long seed;
        private final int[] x = new int[4];
        private final float[] z = new float[4];
        private final int[] mask = new int[4];
        private final int[] rnd = new int[4];
        private long zBlock = -1, maskBlock = -1, rndBlock = -1;

        Cursor(TensorPerturbation cfg, long seed) {
            this.cfg = cfg;
            this.seed = seed;
        }

        float z(long i) {
            if (i >>> 2 != zBlock) {
                zBlock = i >>> 2;
                Noise.block4(seed, cfg.tensorId(), zBlock, x, z);
            }
            return z[(int) (i & 3)];
        }

        boolean keeps(float w, long i) {
            return switch (cfg.mode()) {
                case DENSE -> true;
                case MAGNITUDE -> Math.abs(w) < cfg.threshold();
                case LARGE -> Math.abs(w) >= cfg.threshold();
                case RANDOM -> {
                    if (i >>> 2 != maskBlock) {
                        maskBlock = i >>> 2;
                        Philox.block(cfg.maskSeed(), maskBlock, cfg.tensorId(), Noise.STREAM_MASK, mask);
                    }
                    yield cfg.keepsUniform(mask[(int) (i & 3)] >>> 8);
                }
            };
        }

        int round(long i) {
            if (i >>> 2 != rndBlock) {
                rndBlock = i >>> 2;
                Philox.block(seed, rndBlock, cfg.tensorId(), Noise.STREAM_ROUND, rnd);
            }
            return rnd[(int) (i & 3)] >>> 8;
        }
    }
}
