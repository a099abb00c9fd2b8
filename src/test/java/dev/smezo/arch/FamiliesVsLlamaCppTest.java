package dev.smezo.arch;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.Batch;
import dev.smezo.forward.Forward;
import dev.smezo.forward.ForwardShape;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Model;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.Synth;
import dev.smezo.model.Synth.Flavor;
import dev.smezo.testing.LlamaCppComparison;
import dev.smezo.testing.TestModels;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every family's graph against libllama's own llama_decode (its src/models/NAME.cpp, F32 KV cache,
 * no flash attention) on synthesized files of that family: the logits at every position must agree.
 * Sequences are 48 tokens, longer than the synthetic Gemmas' window of 16, so the windowed layers
 * really hide keys; Phi-3 runs at its training context (long LongRoPE factors) and at a short one.
 */
@Tag("native")
class FamiliesVsLlamaCppTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0} {1}, tied={2}: max diff <= {3}")
    @CsvSource({
        // family, type, tied, tolerance
        "LLAMA3,   f32,  false, 1e-4",
        "LLAMA3,   f32,  true,  1e-4",
        "SMOLLM2,  f32,  false, 1e-4",
        "SMOLLM2,  f32,  true,  1e-4",
        "NEMO,     f32,  false, 1e-4",
        "NEMO,     f32,  true,  1e-4",
        "QWEN2,    f32,  false, 1e-4",
        "QWEN2,    f32,  true,  1e-4",
        "QWEN3,    f32,  false, 1e-4",
        "QWEN3,    f32,  true,  1e-4",
        "GEMMA2,   f32,  false, 1e-4",
        "GEMMA2,   f32,  true,  1e-4",
        "GEMMA3,   f32,  false, 1e-4",
        "GEMMA3,   f32,  true,  1e-4",
        "PHI3,     f32,  false, 1e-4",
        "PHI3,     f32,  true,  1e-4",
        // F16/BF16/Q8_0: both programs run the same ggml kernels on the same shapes; the bound is the
        // F32 one and in practice the logits come out bit-identical
        "LLAMA3,   f16,  false, 1e-4",
        "LLAMA3,   bf16, false, 1e-4",
        "LLAMA3,   q8_0, false, 1e-4",
        "SMOLLM2,  f16,  true,  1e-4",
        "SMOLLM2,  bf16, true,  1e-4",
        "SMOLLM2,  q8_0, true,  1e-4",
        "NEMO,     f16,  false, 1e-4",
        "NEMO,     bf16, false, 1e-4",
        "NEMO,     q8_0, false, 1e-4",
        "QWEN2,    f16,  true,  1e-4",
        "QWEN2,    bf16, true,  1e-4",
        "QWEN2,    q8_0, true,  1e-4",
        "QWEN3,    f16,  false, 1e-4",
        "QWEN3,    bf16, false, 1e-4",
        "QWEN3,    q8_0, false, 1e-4",
        "GEMMA2,   f16,  true,  1e-4",
        "GEMMA2,   bf16, true,  1e-4",
        "GEMMA2,   q8_0, true,  1e-4",
        "GEMMA3,   f16,  false, 1e-4",
        "GEMMA3,   bf16, false, 1e-4",
        "GEMMA3,   q8_0, false, 1e-4",
        "PHI3,     f16,  true,  1e-4",
        "PHI3,     bf16, true,  1e-4",
        "PHI3,     q8_0, true,  1e-4",
    })
    void logitsMatchLlamaDecode(Flavor flavor, String type, boolean tied, double tolerance) throws Exception {
        Path model = TestModels.synth(dir, flavor, "tiny", 2, typeOf(type), tied, 7);
        double diff = LlamaCppComparison.compare(model, new int[][] {tokens(new Random(3), 48)}, 2).max();
        assertTrue(diff <= tolerance, "max |smezo - llama.cpp| = " + diff);
    }

    @ParameterizedTest(name = "{0} {1} {2}, tied={3}: max diff <= 1e-4")
    @CsvSource({
        // family, shape, type, tied. ggml's quantizer wrote the blocks; the 256-blocks need tiny-k's widths
        "LLAMA3,  tiny,   q4_1,   false",
        "QWEN2,   tiny,   q5_0,   true",
        "QWEN3,   tiny,   q5_1,   false",
        "GEMMA2,  tiny-k, q2_K,   true",
        "GEMMA3,  tiny-k, q3_K,   false",
        "PHI3,    tiny-k, q4_K,   true",
        "NEMO,    tiny-k, q5_K,   false",
        "SMOLLM2, tiny-k, q6_K,   true",
        // llama-quantize's mixes; on tiny every width falls back (Q5_0/Q5_1, Q8_0 for Q6_K)
        "LLAMA,   tiny,   q4_K_M, false",
        "LLAMA,   tiny-k, q4_K_M, true",
        "QWEN3,   tiny-k, q4_K_M, false",
        "PHI3,    tiny-k, q4_K_M, false",
        "GEMMA2,  tiny,   q5_K_M, true",
        "QWEN2,   tiny-k, q5_K_M, false",
        "GEMMA3,  tiny-k, q5_K_M, true",
    })
    void quantizedLogitsMatchLlamaDecode(Flavor flavor, String shape, String type, boolean tied) throws Exception {
        Path model = TestModels.synth(dir, flavor, shape, 2, type, tied, 7);
        // as for q8_0: the same ggml kernels on the same blocks, so the F32 bound holds
        double diff = LlamaCppComparison.compare(model, new int[][] {tokens(new Random(3), 48)}, 2).max();
        assertTrue(diff <= 1e-4, "max |smezo - llama.cpp| = " + diff);
    }

    @Test
    void phi3ShortContextUsesShortFactors() throws Exception {
        Path model = TestModels.synth(dir, Flavor.PHI3, "tiny", 2, GgmlType.F32, false, 7);
        int[] tokens = tokens(new Random(4), 48);
        // llama.cpp pads a context to 256; 256 is the synthetic Phi-3's original context: short factors
        double diff = maxDiff(model, new int[][] {tokens}, 256, c -> c.withContext(256));
        assertTrue(diff <= 1e-4, "max |smezo - llama.cpp| at context 256 = " + diff);
        // and the factors matter: the long ones give other logits
        double other = crossDiff(model, tokens, 256, 1024);
        assertTrue(other > 1e-3, "long and short factors give the same logits (" + other + ")");
    }

    @ParameterizedTest
    @EnumSource(value = Flavor.class, names = {"LLAMA3", "NEMO", "QWEN2", "QWEN3", "GEMMA2", "GEMMA3", "PHI3"})
    void severalSequencesMatchLlamaDecodeAndOneAtATime(Flavor flavor) throws Exception {
        Path model = TestModels.synth(dir, flavor, "tiny", 2, GgmlType.F32, false, 11);
        Random r = new Random(5);
        int[][] seqs = {tokens(r, 17), tokens(r, 5), tokens(r, 40)};
        double diff = LlamaCppComparison.compare(model, seqs, 2).max();
        assertTrue(diff <= 1e-4, "padded batch vs llama_decode: " + diff);
        try (Model m = Model.open(model);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights w = new BackendWeights(m.weights())) {
            int nv = m.config().nVocab();
            float[] together;
            try (Forward f = new Forward(m.config(), w.plain(), backend, new ForwardShape(4, 48, 80))) {
                together = f.logits(Batch.allPositions(seqs));
            }
            int row = 0;
            double worst = 0;
            for (int[] s : seqs) {
                float[] alone;
                try (Forward f = new Forward(m.config(), w.plain(), backend, Batch.allPositions(s).shape())) {
                    alone = f.logits(Batch.allPositions(s));
                }
                for (int i = 0; i < alone.length; i++) worst = Math.max(worst, Math.abs(alone[i] - together[row * nv + i]));
                row += s.length;
            }
            // a padded row sums its softmax over more (masked) keys, in another order: float rounding only
            assertTrue(worst <= 1e-4, "padded batch differs from single sequences by " + worst);
        }
    }

    static int[] tokens(Random r, int n) {
        int[] t = r.ints(n, 3, 500).toArray();
        t[0] = 1;
        return t;
    }

    static double maxDiff(Path path, int[][] seqs, int ctx, java.util.function.UnaryOperator<ModelConfig> config)
            throws Exception {
        return LlamaCppComparison.maxDiff(path, seqs, ctx, config, 2);
    }

    /** Max |logits at context a - logits at context b| of smezo's own forward. */
    static double crossDiff(Path path, int[] tokens, int a, int b) throws Exception {
        try (Model m = Model.open(path);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights w = new BackendWeights(m.weights());
             Forward fa = new Forward(m.config().withContext(a), w.plain(), backend, Batch.allPositions(tokens).shape());
             Forward fb = new Forward(m.config().withContext(b), w.plain(), backend, Batch.allPositions(tokens).shape())) {
            float[] la = fa.logits(Batch.allPositions(tokens)), lb = fb.logits(Batch.allPositions(tokens));
            double worst = 0;
            for (int i = 0; i < la.length; i++) worst = Math.max(worst, Math.abs(la[i] - lb[i]));
            return worst;
        }
    }

    static GgmlType typeOf(String name) {
        for (GgmlType t : GgmlType.values()) if (t.ggmlName().equals(name)) return t;
        throw new IllegalArgumentException(name);
    }
}
