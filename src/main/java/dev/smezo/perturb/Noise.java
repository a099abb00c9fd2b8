package dev.smezo.perturb;

/**
 * The perturbation noise z and the uniforms of the masks and of stochastic rounding: pure functions
 * of (seed, tensor id, stream, element index). This is the reference the C kernels (native/src/smezo.h)
 * match bit for bit; a CUDA kernel must compute exactly this.
 *
 * <h2>Specification</h2>
 * Philox4x32-10 ({@link Philox}) with key (k0, k1) = (low, high 32 bits of the seed) and counter
 * (c0, c1, c2, c3) = (low, high 32 bits of block, tensor id, stream). Element index i (flat, ggml
 * order {@code i0 + ne0*(i1 + ne1*(i2 + ne2*i3))}) takes block = i / 4 and lane = i % 4 of the output.
 * Streams: {@link #STREAM_NOISE} z, {@link #STREAM_MASK} the R-MeZO keep mask, {@link #STREAM_ROUND}
 * the stochastic rounding of the update.
 *
 * <p>z (stream 0): Box-Muller on the lane pairs (0, 1) and (2, 3) of a block; for a pair of words (a, b):
 * <pre>
 *   u  = ((float)(a >>> 9) + 0.5f) * 2^-23                    in [2^-24, 1 - 2^-24], exact
 *   r  = sqrt(-2 * log(u))                                      ({@link #log}, correctly rounded sqrt)
 *   q  = b >>> 30, half = (b >>> 29) & 1, t = (b >>> 9) & 0xFFFFF
 *   a' = ((float)(half ? 0xFFFFF - t : t) + 0.5f) * K,          K = 0x1.921fb6p-21f = float(pi/4 * 2^-20)
 *   P  = sin(a'), Q = cos(a')                                   ({@link #sin}, {@link #cos}; a' in (0, pi/4))
 *   |sin theta| = (half ^ (q &amp; 1)) ? Q : P, |cos theta| = the other; sin negative for q in {2, 3},
 *   cos negative for q in {1, 2}          (theta = 2 pi ((b >>> 9) + 0.5) 2^-23)
 *   lane 2p = r * cos theta, lane 2p+1 = r * sin theta
 * </pre>
 * All arithmetic is float32 in the written order without fused multiply-add, which Java guarantees and
 * the C build enforces with {@code -ffp-contract=off}; int to float conversions are exact here.
 * The uniform of stream s for element i is {@code (word >>> 8)}, a 24-bit integer; the keep mask keeps i
 * iff {@code (float)(word >>> 8) * 2^-24 < keepRate}.
 */
public final class Noise {
    public static final int STREAM_NOISE = 0;
    public static final int STREAM_MASK = 1;
    public static final int STREAM_ROUND = 2;

    private static final float L1 = 0x1.555556p-1f, L2 = 0x1.99999ap-2f, L3 = 0x1.24924ap-2f, L4 = 0x1.c71c72p-3f;
    private static final float LN2_HI = 0x1.63p-1f, LN2_LO = -0x1.bd0106p-13f;
    private static final float S1 = -0x1.555556p-3f, S2 = 0x1.111112p-7f, S3 = -0x1.a01a02p-13f, S4 = 0x1.71de3ap-19f;
    private static final float C1 = -0x1p-1f, C2 = 0x1.555556p-5f, C3 = -0x1.6c16c2p-10f, C4 = 0x1.a01a02p-16f,
            C5 = -0x1.27e4fcp-22f;
    private static final float K = 0x1.921fb6p-21f;

    private Noise() {}

    /** z of element {@code index} of tensor {@code tensorId} under the step seed. */
    public static float z(long seed, int tensorId, long index) {
        int[] x = new int[4];
        Philox.block(seed, index >>> 2, tensorId, STREAM_NOISE, x);
        int lane = (int) (index & 3);
        int pair = lane & 2;
        return boxMuller(x[pair], x[pair + 1], (lane & 1) != 0);
    }

    /** z of elements start .. start + out.length - 1 into out. */
    public static void fill(long seed, int tensorId, long start, float[] out) {
        int[] x = new int[4];
        float[] z = new float[4];
        long block = -1;
        for (int k = 0; k < out.length; k++) {
            long i = start + k;
            if (i >>> 2 != block) {
                block = i >>> 2;
                block4(seed, tensorId, block, x, z);
            }
            out[k] = z[(int) (i & 3)];
        }
    }

    /** The four z of one block: words x (scratch, 4), values into z[0..3]. */
    static void block4(long seed, int tensorId, long block, int[] x, float[] z) {
        Philox.block(seed, block, tensorId, STREAM_NOISE, x);
        z[0] = boxMuller(x[0], x[1], false);
        z[1] = boxMuller(x[0], x[1], true);
        z[2] = boxMuller(x[2], x[3], false);
        z[3] = boxMuller(x[2], x[3], true);
    }

    /** The 24-bit uniform integer of stream {@code stream} for element {@code index}. */
    public static int uniform24(long seed, int tensorId, int stream, long index) {
        int[] x = new int[4];
        Philox.block(seed, index >>> 2, tensorId, stream, x);
        return x[(int) (index & 3)] >>> 8;
    }

    /** Box-Muller of the words (a, b): r cos theta, or r sin theta when {@code second}. */
    public static float boxMuller(int a, int b, boolean second) {
        float u = ((float) (a >>> 9) + 0.5f) * 0x1p-23f;
        float r = (float) Math.sqrt(-2.0f * log(u));
        int q = b >>> 30;
        int half = (b >>> 29) & 1;
        int t = (b >>> 9) & 0xFFFFF;
        float ang = ((float) (half != 0 ? 0xFFFFF - t : t) + 0.5f) * K;
        float p = sin(ang), qq = cos(ang);
        boolean swap = (half ^ (q & 1)) != 0;
        if (second) {
            float s = swap ? qq : p;
            return r * ((q >>> 1) != 0 ? -s : s);
        }
        float c = swap ? p : qq;
        return r * (((q ^ (q >>> 1)) & 1) != 0 ? -c : c);
    }

    /** log(u) for a positive normal float u, to about 1e-7 relative (the spec's polynomial). */
    public static float log(float u) {
        int bits = Float.floatToRawIntBits(u);
        int e = ((bits >>> 23) & 0xFF) - 127;
        int mb = (bits & 0x7FFFFF) | 0x3F800000;
        if (mb > 0x3FB504F3) {
            mb -= 0x00800000;
            e += 1;
        }
        float f = Float.intBitsToFloat(mb) - 1.0f;
        float s = f / (2.0f + f);
        float s2 = s * s;
        float p = s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * L4)));
        float fe = (float) e;
        return fe * LN2_HI + (fe * LN2_LO + (2.0f * s + s * p));
    }

    /** sin(a) for a in [0, pi/4]. */
    public static float sin(float a) {
        float a2 = a * a;
        return a + a * (a2 * (S1 + a2 * (S2 + a2 * (S3 + a2 * S4))));
    }

    /** cos(a) for a in [0, pi/4]. */
    public static float cos(float a) {
        float a2 = a * a;
        return 1.0f + a2 * (C1 + a2 * (C2 + a2 * (C3 + a2 * (C4 + a2 * C5))));
    }
}
