package dev.smezo.perturb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Fp16Test {
    @Test
    void f16ToFloatIsExact() {
        for (int h = 0; h < 65536; h++) {
            if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0) {
                assertTrue(Float.isNaN(Fp16.f16ToFloat((short) h)));
                continue;
            }
            assertEquals(Float.floatToRawIntBits(Float.float16ToFloat((short) h)),
                    Float.floatToRawIntBits(Fp16.f16ToFloat((short) h)), "f16 0x" + Integer.toHexString(h));
        }
    }

    /** Round to nearest even, checked against the JDK at every F16 value, its midpoints and random floats. */
    @Test
    void floatToF16IsRoundToNearestEven() {
        for (int h = 0; h < 0x7C00; h++) {
            int fb = Float.floatToRawIntBits(Float.float16ToFloat((short) h));
            for (int d = -3; d <= 3; d++) {
                for (int s = 0; s < 2; s++) {
                    int bits = (fb + d) | (s << 31);
                    if (fb + d < 0) continue;
                    check(Float.intBitsToFloat(bits));
                }
            }
            // the midpoint to the next F16 value and its neighbours
            float mid = (Float.float16ToFloat((short) h) + Float.float16ToFloat((short) (h + 1))) / 2;
            check(mid);
            check(Math.nextUp(mid));
            check(Math.nextDown(mid));
        }
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 2_000_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (!Float.isNaN(f)) check(f);
        }
        check(Float.POSITIVE_INFINITY);
        check(Float.NEGATIVE_INFINITY);
        check(65520f);
        check(Math.nextDown(65520f));
        assertEquals((short) 0x7E00, Fp16.floatToF16(Float.NaN));
    }

    private static void check(float f) {
        assertEquals(Float.floatToFloat16(f), Fp16.floatToF16(f), () -> "float " + f + " (0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + ")");
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, Fp16.floatToBf16(1.0f));
        assertEquals((short) 0x3F80, Fp16.floatToBf16(Float.intBitsToFloat(0x3F808000)));  // tie to even (down)
        assertEquals((short) 0x3F82, Fp16.floatToBf16(Float.intBitsToFloat(0x3F818000)));  // tie to even (up)
        assertEquals((short) 0x3F81, Fp16.floatToBf16(Float.intBitsToFloat(0x3F808001)));
        assertEquals((short) 0x7F80, Fp16.floatToBf16(Float.MAX_VALUE));
        assertEquals((short) 0x7FC0, Fp16.floatToBf16(Float.NaN));
        for (int h = 0; h < 0x7F80; h += 3) assertEquals((short) h, Fp16.floatToBf16(Fp16.bf16ToFloat((short) h)));
    }

    /** Stochastic rounding: exact values stay, others land on a neighbour with the right mean. */
    @Test
    void stochasticRoundingIsUnbiased() {
        SplittableRandom rnd = new SplittableRandom(4);
        float[] values = {1.0f - 1e-5f, 0.0123456f, -3.3333f, 1e-6f, 3e-8f, 1e-5f + 0.5f};
        for (float x : values) {
            double sumF16 = 0, sumBf16 = 0;
            int n = 400_000;
            for (int i = 0; i < n; i++) {
                int v = rnd.nextInt(1 << 24);
                sumF16 += Float.float16ToFloat(Fp16.floatToF16Stochastic(x, v));
                sumBf16 += Fp16.bf16ToFloat(Fp16.floatToBf16Stochastic(x, v));
            }
            // the two possible results: v = 0 always rounds up, v = 2^24 - 1 never does
            double gapF16 = Float.float16ToFloat(Fp16.floatToF16Stochastic(x, 0))
                    - Float.float16ToFloat(Fp16.floatToF16Stochastic(x, (1 << 24) - 1));
            double gapBf16 = Fp16.bf16ToFloat(Fp16.floatToBf16Stochastic(x, 0))
                    - Fp16.bf16ToFloat(Fp16.floatToBf16Stochastic(x, (1 << 24) - 1));
            assertTrue(gapF16 != 0 && gapBf16 != 0);
            // standard error at most gap / (2 sqrt n)
            assertEquals(x, sumF16 / n, 4 * Math.abs(gapF16) / (2 * Math.sqrt(n)), "F16 mean of " + x);
            assertEquals(x, sumBf16 / n, 4 * Math.abs(gapBf16) / (2 * Math.sqrt(n)), "BF16 mean of " + x);
        }
        for (int h = 0; h < 0x7C00; h += 5) {
            float x = Float.float16ToFloat((short) h);
            assertEquals((short) h, Fp16.floatToF16Stochastic(x, 0));
            assertEquals((short) h, Fp16.floatToF16Stochastic(x, (1 << 24) - 1));
        }
    }
}
