package dev.smezo.forward;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.ggml.CpuBackend;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Model;
import dev.smezo.reference.LlamaCppReference;
import dev.smezo.testing.TestModels;
import dev.smezo.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * smezo's forward graph against libllama's own llama_decode on the same file and tokens: the logits
 * at every position must agree to float rounding.
 */
@Tag("native")
class ForwardVsLlamaCppTest {
    @TempDir
    static Path dir;

    static final String TEXT = "Once upon a time, there was a little girl named Lily. She loved to play outside "
            + "in the park with her friends. One day, she saw a big red ball.";

    @Test
    @Tag("model")
    void stories260KMatchesLlamaDecode() throws Exception {
        Path model = TestModels.stories260K();
        int[] tokens;
        try (Tokenizer tok = Tokenizer.load(model)) {
            tokens = tok.encode(TEXT, true);
        }
        assertTrue(tokens.length > 30, "text gives " + tokens.length + " tokens");
        double diff = maxDiff(model, tokens, 2);
        assertTrue(diff <= 1e-4, "max |smezo - llama.cpp| = " + diff);
    }

    @ParameterizedTest(name = "{0} {1} layers, {2}, tied={3}: max diff <= {4}")
    @CsvSource({
        // shape,  layers, type, tied,  tolerance
        "tiny,     2,      f32,  false, 1e-4",   // grouped-query attention (4 heads, 2 kv heads), untied
        "tiny,     3,      f32,  true,  1e-4",   // tied output
        "tiny-mha, 2,      f32,  false, 1e-4",   // multi-head (kv heads = heads)
        // F16/BF16/quantized: both programs run the same ggml kernels on the same shapes, and in
        // practice the logits come out bit-identical; the bound is the issue's, not a loosening.
        "tiny,     2,      f16,  false, 1e-4",
        "tiny,     2,      bf16, false, 1e-4",
        "tiny,     2,      q8_0, false, 1e-4",   // quantized weights run for inference
        "tiny,     2,      q4_0, true,  1e-4",
    })
    void syntheticMatchesLlamaDecode(String shape, int layers, String type, boolean tied, double tolerance) throws Exception {
        Path model = TestModels.synth(dir, shape, layers, typeOf(type), tied, 7);
        int[] tokens = new Random(3).ints(48, 3, 512).toArray();
        tokens[0] = 1;
        double diff = maxDiff(model, tokens, 2);
        assertTrue(diff <= tolerance, "max |smezo - llama.cpp| = " + diff);
    }

    @Test
    void paddedBatchEqualsOneSequenceAtATime() throws Exception {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 11);
        Random r = new Random(5);
        int[][] seqs = {r.ints(17, 3, 512).toArray(), r.ints(5, 3, 512).toArray(), r.ints(29, 3, 512).toArray()};
        try (Model m = Model.open(path);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights w = new BackendWeights(m.weights())) {
            int nv = m.config().nVocab();
            Batch batch = Batch.allPositions(seqs);
            float[] together;
            try (Forward f = new Forward(m.config(), w.plain(), backend, new ForwardShape(4, 32, 64))) {
                together = f.logits(batch);
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
            assertTrue(worst <= 1e-5, "padded batch differs from single sequences by " + worst);
        }
    }

    @Test
    void batchedSequencesMatchLlamaDecodeSequences() throws Exception {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F32, true, 13);
        Random r = new Random(9);
        int[][] seqs = {r.ints(9, 3, 512).toArray(), r.ints(23, 3, 512).toArray()};
        float[][] ref;
        try (LlamaCppReference llama = new LlamaCppReference(path, 64, 2, 2)) {
            ref = llama.logits(seqs);
        }
        try (Model m = Model.open(path);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights w = new BackendWeights(m.weights());
             Forward f = new Forward(m.config(), w.plain(), backend, new ForwardShape(2, 24, 32))) {
            float[] ours = f.logits(Batch.allPositions(seqs));
            int nv = m.config().nVocab();
            double worst = 0;
            int row = 0;
            for (int s = 0; s < seqs.length; s++) {
                for (int i = 0; i < ref[s].length; i++) worst = Math.max(worst, Math.abs(ref[s][i] - ours[row * nv + i]));
                row += seqs[s].length;
            }
            assertTrue(worst <= 1e-4, "max diff " + worst);
        }
    }

    static double maxDiff(Path path, int[] tokens, int threads) throws Exception {
        return dev.smezo.testing.LlamaCppComparison.maxDiff(path, new int[][] {tokens}, tokens.length, c -> c, threads);
    }

    static GgmlType typeOf(String name) {
        for (GgmlType t : GgmlType.values()) if (t.ggmlName().equals(name)) return t;
        throw new IllegalArgumentException(name);
    }
}
