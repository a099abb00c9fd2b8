package dev.smezo.perturb;

/**
 * Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3" (SC'11), identical to Random123's {@code philox4x32_10}.
 *
 * <pre>
 * round(c, k): (hi0, lo0) = M0 * c0, (hi1, lo1) = M1 * c2          (32 x 32 -> 64-bit products)
 *              c = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
 * 10 rounds, the key bumped between rounds: k0 += W0, k1 += W1 (mod 2^32).
 * </pre>
 * smezo keys it with the 64-bit seed (k0, k1) = (low, high 32 bits) and counts (c0, c1, c2, c3) =
 * (low, high 32 bits of the block, tensor id, stream); see {@link Noise}.
 */
public final class Philox {
    public static final int M0 = 0xD2511F53;
    public static final int M1 = 0xCD9E8D57;
    public static final int W0 = 0x9E3779B9;
    public static final int W1 = 0xBB67AE85;

    private Philox() {}

    /** The four output words of counter (c0, c1, c2, c3) under key (k0, k1), into out[0..3]. */
    public static void block(int k0, int k1, int c0, int c1, int c2, int c3, int[] out) {
        for (int r = 0; r < 10; r++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** The words of block {@code block} of stream {@code stream} for a tensor under a 64-bit seed. */
    public static void block(long seed, long block, int tensorId, int stream, int[] out) {
        block((int) seed, (int) (seed >>> 32), (int) block, (int) (block >>> 32), tensorId, stream, out);
    }
}
