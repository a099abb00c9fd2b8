package dev.smezo.perturb;

/**
 * IEEE binary16 (F16) and bfloat16 (BF16) conversions exactly as the C kernels do them.
 *
 * <ul>
 *   <li>to float: exact; an F16 NaN becomes a quiet float NaN with the payload shifted up (as vcvtph2ps).</li>
 *   <li>F16 round to nearest even: IEEE (equal to {@link Float#floatToFloat16} for every non-NaN float);
 *       NaN gives {@code sign | 0x7E00 | ((bits >>> 13) & 0x3FF)} (as vcvtps2ph).</li>
 *   <li>BF16 round to nearest even: {@code (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16}, NaN gives
 *       {@code (bits >>> 16) | 0x40} (as ggml).</li>
 *   <li>stochastic rounding with a 24-bit uniform v: the magnitude rounds up with probability equal to the
 *       dropped fraction of an ulp: BF16 iff {@code v < (bits & 0xFFFF) << 8}; F16 (|x| >= 2^-14) iff
 *       {@code v < (13 dropped bits) << 11}; F16 subnormal results: s = |x| * 2^24, up iff
 *       {@code (float) v * 2^-24 < s - (int) s}. |x| >= 65536 gives F16 inf; NaN as above.</li>
 * </ul>
 */
public final class Fp16 {
    private Fp16() {}

    public static float f16ToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int em = h & 0x7FFF;
        int bits;
        if (em < 0x400) bits = Float.floatToRawIntBits((float) em * 0x1p-24f);
        else if (em >= 0x7C00) bits = (em << 13) | (em > 0x7C00 ? 0x7FC00000 : 0x7F800000);
        else bits = (em << 13) + 0x38000000;
        return Float.intBitsToFloat(bits | sign);
    }

    public static short floatToF16(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        x &= 0x7FFFFFFF;
        int h;
        if (x >= 0x47800000) h = big(x);
        else if (x < 0x38800000) h = Float.floatToRawIntBits(Float.intBitsToFloat(x) + 0.5f) - 0x3F000000;
        else h = (x - 0x38000000 + 0xFFF + ((x >>> 13) & 1)) >>> 13;
        return (short) (h | sign);
    }

    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }

    public static short floatToBf16(float f) {
        return dev.smezo.model.Encode.toBf16(f);
    }

    /** Stochastic rounding to F16 with a 24-bit uniform integer v. */
    public static short floatToF16Stochastic(float f, int v) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        x &= 0x7FFFFFFF;
        int h;
        if (x >= 0x47800000) {
            h = big(x);
        } else if (x < 0x38800000) {
            float s = Float.intBitsToFloat(x) * 0x1p24f;
            int kept = (int) s;
            h = kept + ((float) v * 0x1p-24f < s - (float) kept ? 1 : 0);
        } else {
            h = ((x - 0x38000000) >>> 13) + (v < ((x & 0x1FFF) << 11) ? 1 : 0);
        }
        return (short) (h | sign);
    }

    /** Stochastic rounding to BF16 with a 24-bit uniform integer v. */
    public static short floatToBf16Stochastic(float f, int v) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7FFFFFFF) > 0x7F800000) return (short) ((x >>> 16) | 0x40);
        return (short) ((x >>> 16) + (v < ((x & 0xFFFF) << 8) ? 1 : 0));
    }

    /** F16 bits of a magnitude >= 65536: inf, or a quiet NaN keeping the payload's top bits. */
    private static int big(int x) {
        return x > 0x7F800000 ? 0x7E00 | ((x >>> 13) & 0x3FF) : 0x7C00;
    }
}
