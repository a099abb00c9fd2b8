package dev.smezo.ggml;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Encode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * smezo's Java Q8_0/Q4_0 encoders (quantize_row_*_ref transcribed, so those files need no native
 * library) against ggml's own quantizer as built: the same bytes, so a file synth wrote before ggml's
 * quantizer came in is what it writes now, and a mix's Q8_0 fallbacks equal llama-quantize's.
 */
@Tag("native")
class QuantizationTest {
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0"})
    void javaEncoderEqualsGgml(GgmlType type) {
        int n = 1 << 20;
        float[] v = new float[n];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 1e-3 : 1));
        for (int i = 0; i < 64; i++) v[i] = 0;                 // an all-zero block
        for (int i = 64; i < 96; i++) v[i] = (i % 2 == 0 ? 1 : -1) * 0.5f * (i - 64);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment java = a.allocate(type.rowBytes(n)), ggml = a.allocate(type.rowBytes(n));
            Encode.write(type, v, n, java, 0);
            Quantization.write(type, v, n, ggml, 0);
            assertEquals(-1, java.mismatch(ggml), type + ": first differing byte");
        }
    }
}
