package dev.smezo.perturb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The reference generator's own math (pure Java). */
class NoiseTest {
    @Test
    void logIsAccurateOnTheUniformGrid() {
        double worst = 0;
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            int k = i < 1000 ? i : (i < 2000 ? (1 << 23) - 1 - (i - 1000) : rnd.nextInt(1 << 23));
            float u = ((float) k + 0.5f) * 0x1p-23f;
            double exact = Math.log(u);
            worst = Math.max(worst, Math.abs(Noise.log(u) - exact) / Math.abs(exact));
        }
        System.out.println("log: max relative error " + worst);
        assertTrue(worst < 1e-6, "max relative error of log " + worst);
    }

    @Test
    void sinCosAreAccurateOnTheFirstOctant() {
        double worst = 0;
        for (int t = 0; t < (1 << 20); t += 7) {
            float a = ((float) t + 0.5f) * 0x1.921fb6p-21f;
            worst = Math.max(worst, Math.abs(Noise.sin(a) - Math.sin(a)) / Math.sin(a));
            worst = Math.max(worst, Math.abs(Noise.cos(a) - Math.cos(a)) / Math.cos(a));
        }
        System.out.println("sin/cos: max relative error " + worst);
        assertTrue(worst < 1e-6, "max relative error of sin/cos " + worst);
    }

    /** z against Box-Muller in double on the same uniforms. */
    @Test
    void zIsBoxMullerOfItsWords() {
        SplittableRandom rnd = new SplittableRandom(2);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            int a = rnd.nextInt(), b = rnd.nextInt();
            double u = ((a >>> 9) + 0.5) * 0x1p-23;
            double theta = 2 * Math.PI * ((b >>> 9) + 0.5) * 0x1p-23;
            double r = Math.sqrt(-2 * Math.log(u));
            worst = Math.max(worst, Math.abs(Noise.boxMuller(a, b, false) - r * Math.cos(theta)) / Math.max(r, 1e-3));
            worst = Math.max(worst, Math.abs(Noise.boxMuller(a, b, true) - r * Math.sin(theta)) / Math.max(r, 1e-3));
        }
        System.out.println("max |z - exact| / max(r, 1e-3) = " + worst);
        assertTrue(worst < 2e-6, "max error of z relative to r " + worst);
    }

    @Test
    void fillEqualsPointwiseAndIsAPureFunction() {
        long seed = 0xDEADBEEFCAFEL;
        float[] a = new float[1001];
        Noise.fill(seed, 5, (1L << 34) - 3, a);
        for (int k = 0; k < a.length; k++) {
            assertEquals(Float.floatToRawIntBits(Noise.z(seed, 5, (1L << 34) - 3 + k)), Float.floatToRawIntBits(a[k]));
        }
        float[] b = new float[10];
        Noise.fill(seed, 5, (1L << 34) + 100, b);
        for (int k = 0; k < b.length; k++) assertEquals(a[103 + k], b[k]);
    }

    @Test
    void uniformsAre24Bit() {
        for (long i = 0; i < 10_000; i++) {
            int v = Noise.uniform24(i * 31, 3, Noise.STREAM_MASK, i);
            assertTrue(v >= 0 && v < (1 << 24));
        }
    }
}
