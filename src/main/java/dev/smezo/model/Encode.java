package dev.smezo.model;

import dev.smezo.ggml.Quantization;
import dev.smezo.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Float values into ggml's storage formats, as ggml's reference (non-SIMD) converters do it:
 * F16 and BF16 round to nearest even; Q8_0 and Q4_0 follow quantize_row_q8_0_ref and
 * quantize_row_q4_0_ref (ggml-quants.c) in Java, so files of these types need no native library
 * (QuantizationTest checks them byte for byte against ggml's); the other quantized types go through
 * ggml's own quantizer ({@link Quantization}).
 */
public final class Encode {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Encode() {}

    /** Writes {@code v} as elements [start, start + v.length) of a tensor of type {@code type}. */
    public static void write(GgmlType type, float[] v, MemorySegment dst, long start) {
        write(type, v, v.length, dst, start);
    }

    /** Writes {@code v[0, n)} as elements [start, start + n) ({@code n} whole blocks for quantized types). */
    public static void write(GgmlType type, float[] v, int n, MemorySegment dst, long start) {
        switch (type) {
            case F32 -> MemorySegment.copy(v, 0, dst, FLOAT, 4 * start, n);
            case F16 -> {
                for (int i = 0; i < n; i++) dst.set(SHORT, 2 * (start + i), Float.floatToFloat16(v[i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) dst.set(SHORT, 2 * (start + i), toBf16(v[i]));
            }
            case Q8_0 -> q8_0(v, n, dst, start);
            case Q4_0 -> q4_0(v, n, dst, start);
            default -> {
                if (!Quantization.TYPES.contains(type)) throw new IllegalArgumentException("cannot encode " + type);
                Quantization.write(type, v, n, dst, start);
            }
        }
    }

    /** Round-to-nearest-even float -> bfloat16 (ggml_compute_fp32_to_bf16), NaN kept quiet. */
    public static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return (short) ((u >>> 16) | 64);
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    private static void q8_0(float[] v, int n, MemorySegment dst, long start) {
        final int qk = 32;
        long block = start / qk;
        for (int b = 0; b < n / qk; b++, block++) {
            float amax = 0;
            for (int j = 0; j < qk; j++) amax = Math.max(amax, Math.abs(v[b * qk + j]));
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            long off = block * 34;
            dst.set(SHORT, off, Float.floatToFloat16(d));
            for (int j = 0; j < qk; j++) dst.set(ValueLayout.JAVA_BYTE, off + 2 + j, (byte) roundHalfAway(v[b * qk + j] * id));
        }
    }

    /** C's roundf: halves round away from zero (Java's Math.round rounds them up). */
    static int roundHalfAway(float x) {
        float a = Math.abs(x);
        float r = (float) Math.floor(a);
        if (a - r >= 0.5f) r += 1;
        return (int) Math.copySign(r, x);
    }

    private static void q4_0(float[] v, int n, MemorySegment dst, long start) {
        final int qk = 32;
        long block = start / qk;
        for (int b = 0; b < n / qk; b++, block++) {
            float amax = 0, max = 0;
            for (int j = 0; j < qk; j++) {
                float x = v[b * qk + j];
                if (amax < Math.abs(x)) {
                    amax = Math.abs(x);
                    max = x;
                }
            }
            float d = max / -8f;
            float id = d != 0 ? 1f / d : 0f;
            long off = block * 18;
            dst.set(SHORT, off, Float.floatToFloat16(d));
            for (int j = 0; j < qk / 2; j++) {
                int x0 = Math.min(15, (int) (v[b * qk + j] * id + 8.5f));
                int x1 = Math.min(15, (int) (v[b * qk + qk / 2 + j] * id + 8.5f));
                dst.set(ValueLayout.JAVA_BYTE, off + 2 + j, (byte) (x0 | (x1 << 4)));
            }
        }
    }
}
