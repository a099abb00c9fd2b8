package dev.smezo.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufTensorInfo;
import dev.smezo.model.Synth.Flavor;
import dev.smezo.testing.TestModels;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A quantized synthetic model is the f32 model of the same seed run through libllama's own quantizer
 * (llama_model_quantize, what llama-quantize runs): every tensor has the type llama-quant.cpp picks
 * and the same bytes. For the mixes this checks QuantMix's port of the rules tensor by tensor; for
 * the uniform types (llama-quantize --pure), the values and ggml's blocks.
 */
@Tag("native")
class SynthVsLlamaQuantizeTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0} {1} {2}l tied={3} {4}")
    @CsvSource({
        // family, shape, layers, tied, mix
        "LLAMA,   tiny-k,   8,  false, q4_K_M",   // more-bits layers 0, 3, 6, 7 of 8
        "LLAMA,   tiny,     8,  true,  q4_K_M",   // 64 and 192 wide: Q5_0, Q8_0 for Q6_K; tied token_embd Q8_0
        "LLAMA,   tiny,     80, false, q4_K_M",   // "70B" (80 layers, grouped-query): attn_v Q5_K, falling back to Q5_1
        "LLAMA,   tiny-mha, 80, false, q4_K_M",   // "65B" (80 layers, no GQA): no bump
        "QWEN2,   tiny-mha, 80, true,  q4_K_M",   // qwen2 with 80 layers is "70B" whatever its heads
        "LLAMA3,  tiny-k,   4,  false, q5_K_M",   // rope_freqs stays F32
        "QWEN3,   tiny-k,   4,  true,  q4_K_M",   // attn_output 512 wide, Q/K norms
        "GEMMA2,  tiny-k,   3,  true,  q5_K_M",
        "GEMMA3,  tiny,     4,  false, q4_K_M",
        "PHI3,    tiny-k,   8,  false, q4_K_M",   // fused attn_qkv counts with attn_v: Q6_K on more-bits layers
        "PHI3,    tiny-k,   8,  true,  q5_K_M",
        "NEMO,    tiny,     2,  false, q5_K_M",
        "SMOLLM2, tiny-k,   2,  true,  q4_K_M",
    })
    void mixEqualsLlamaQuantizeOfTheF32Model(Flavor flavor, String shape, int layers, boolean tied, String mix)
            throws Exception {
        Path ours = TestModels.synth(dir, flavor, shape, layers, mix, tied, 5);
        Path theirs = quantizeF32(flavor, shape, layers, tied, mix, false);
        assertSameTensors(ours, theirs);
    }

    @ParameterizedTest(name = "{0} = llama-quantize --pure {1}")
    @CsvSource({
        "q8_0, q8_0", "q4_0, q4_0", "q4_1, q4_1", "q5_0, q5_0", "q5_1, q5_1", "q2_K, q2_K", "q3_K, q3_K_M",
        "q4_K, q4_K_M", "q5_K, q5_K_M", "q6_K, q6_K", "f16, f16", "bf16, bf16",
    })
    void uniformTypeEqualsPureLlamaQuantize(String type, String ftype) throws Exception {
        Path ours = TestModels.synth(dir, Flavor.LLAMA, "tiny-k", 2, type, false, 5);
        Path theirs = quantizeF32(Flavor.LLAMA, "tiny-k", 2, false, ftype, true);
        assertSameTensors(ours, theirs);
    }

    private static Path quantizeF32(Flavor flavor, String shape, int layers, boolean tied, String ftype, boolean pure)
            throws Exception {
        Path f32 = TestModels.synth(dir, flavor, shape, layers, "f32", tied, 5);
        Path out = dir.resolve(f32.getFileName() + "." + ftype + (pure ? "-pure" : "") + ".gguf");
        Quantizer.quantize(f32, out, ftype, pure, 2);
        return out;
    }

    /** The same tensor names, and per name the same type and data bytes (llama-quantize writes them in another order). */
    private static void assertSameTensors(Path ours, Path theirs) throws Exception {
        try (Arena a = Arena.ofConfined()) {
            Gguf o = Gguf.open(ours, a), t = Gguf.open(theirs, a);
            Map<String, GgufTensorInfo> mine = new TreeMap<>(), ref = new TreeMap<>();
            o.tensors().forEach(i -> mine.put(i.name(), i));
            t.tensors().forEach(i -> ref.put(i.name(), i));
            assertEquals(ref.keySet(), mine.keySet(), "tensor names");
            StringBuilder table = new StringBuilder(ours.getFileName() + ":");
            for (GgufTensorInfo r : ref.values()) {
                GgufTensorInfo m = mine.get(r.name());
                table.append(' ').append(r.name()).append('=').append(r.type().ggmlName());
                assertEquals(r.type(), m.type(), r.name() + ": libllama's quantizer picks " + r.type().ggmlName());
                assertEquals(-1, o.tensorData(m).mismatch(t.tensorData(r)), r.name() + ": bytes differ");
            }
            System.out.println(table);
        }
    }
}
