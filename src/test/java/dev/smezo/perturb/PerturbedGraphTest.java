package dev.smezo.perturb;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.Batch;
import dev.smezo.forward.Forward;
import dev.smezo.forward.ForwardShape;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Model;
import dev.smezo.model.Weights;
import dev.smezo.testing.TestModels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The perturbation op inside the real forward graph against the plain-Java reference: a forward at
 * W + c*z*m through the op must give exactly the logits of a plain forward over weights that the
 * Java reference perturbed; the in-place update graph must equal the reference update.
 */
@Tag("native")
class PerturbedGraphTest {
    @TempDir
    static Path dir;

    static final long SEED = 0x5EED_1234_ABCDL;
    static final float EPS = 1e-3f;

    @ParameterizedTest(name = "{0} {1} tied={2} {3} threads={4}")
    @CsvSource({
        "f32,  smezo, false, '',           1",
        "f32,  smezo, true,  '',           2",
        "f32,  mezo,  false, '',           3",
        "f32,  rmezo, true,  '',           2",
        "f32,  smezo-large, false, '',     2",
        // F16/BF16 embedding rows are perturbed in F32 (no rounding to the weight type), so the
        // matrix-only comparison is the bit-exact one for them.
        "f16,  smezo, false, token_embd,   2",
        "bf16, mezo,  false, token_embd,   3",
        "bf16, rmezo, true,  token_embd,   1",
        // Quantized: the scales train; the embedding's rows are dequantized from perturbed blocks.
        "q8_0, smezo, false, '',           2",
        "q8_0, mezo,  true,  '',           3",
        "q4_0, rmezo, false, '',           1",
        "q4_0, smezo, true,  '',           2",
        "q4_1, smezo, false, '',           2",
        "q5_0, mezo,  false, '',           2",
        "q5_1, rmezo, true,  '',           2",
        // K-quants (d and dmin of 256-weight super-blocks) on the tiny-k shape, whose rows hold them
        "q2_K, smezo, false, '',           2",
        "q3_K, mezo,  true,  '',           2",
        "q4_K, smezo, false, '',           3",
        "q5_K, rmezo, false, '',           2",
        "q6_K, smezo, true,  '',           2",
        "q4_K_M, smezo, false, '',         2",
        "q4_K, smezo-large, true, '',      2",
    })
    void perturbedForwardEqualsReferencePerturbedWeights(String type, String method, boolean tied, String exclude,
                                                         int threads) throws Exception {
        checkPerturbedForward(synth(type, tied, 21), method, exclude, threads);
    }

    /**
     * Every family, every trained kind of tensor: matrices, fused QKV and gate+up (Phi-3), Q/K/V
     * biases (Qwen2), per-head Q/K norms (Qwen3, Gemma 3), sandwich norms (Gemma), the embedding rows.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"LLAMA3, smezo", "QWEN2, smezo", "QWEN3, mezo", "GEMMA2, smezo", "GEMMA3, rmezo", "PHI3, smezo"})
    void everyFamilysPerturbedForwardEqualsReference(dev.smezo.model.Synth.Flavor flavor, String method) throws Exception {
        Path path = TestModels.synth(dir, flavor, "tiny", 2, GgmlType.F32, false, 21);
        java.util.List<String> trained = checkPerturbedForward(path, method, "", 2);
        String expect = switch (flavor) {
            case QWEN2 -> "blk.0.attn_q.bias";
            case QWEN3, GEMMA3 -> "blk.1.attn_k_norm.weight";
            case GEMMA2 -> "blk.0.post_ffw_norm.weight";
            case PHI3 -> "blk.1.attn_qkv.weight";
            default -> "blk.1.ffn_gate.weight";
        };
        assertTrue(trained.contains(expect), flavor + " trains " + expect + ": " + trained);
        assertFalse(trained.stream().anyMatch(n -> n.startsWith("rope_")), "RoPE factors are constants: " + trained);
    }

    /** Returns the names of the trained tensors. */
    private static java.util.List<String> checkPerturbedForward(Path path, String method, String exclude, int threads)
            throws Exception {
        int[][] seqs = {new Random(1).ints(19, 3, 512).toArray(), new Random(2).ints(11, 3, 512).toArray()};
        Batch batch = Batch.allPositions(seqs);
        ForwardShape shape = new ForwardShape(2, 20, 30);
        Pattern ex = exclude.isBlank() ? null : Pattern.compile(exclude);
        try (Arena arena = Arena.ofShared();
             Model a = Model.open(path);
             Model b = Model.open(path);
             CpuBackend backend = new CpuBackend(threads);
             BackendWeights wa = new BackendWeights(a.weights());
             BackendWeights wb = new BackendWeights(b.weights())) {
            Trainables t = Trainables.select(a.weights(), new Trainables.Selection(true, null, ex),
                    Method.parse(method), 0.7, 99, threads, arena);
            float[] viaOp;
            float[] unperturbed;
            try (PerturbedModel pm = new PerturbedModel(a.config(), wa, t, backend)) {
                viaOp = copy(pm.logits(batch, shape, SEED, EPS), batch.outputs() * a.config().nVocab());
                unperturbed = copy(pm.logits(batch, shape, SEED, 0f), batch.outputs() * a.config().nVocab());
            }
            // The reference: perturb b's weights in Java, then a plain forward.
            for (Trainables.Trained tr : t.trained()) {
                MemorySegment w = b.weights().data(b.weights().get(tr.entry().name()));
                if (tr.quantized()) {
                    Reference.quantPerturb(w, w, tr.quant(), 0, tr.quant().blocks(tr.entry().elements()), tr.perturbation(), SEED, EPS);
                } else {
                    Reference.perturb(w, w, tr.type(), 0, tr.entry().elements(), tr.perturbation(), SEED, EPS);
                }
            }
            float[] viaReference, plainA;
            try (Forward f = new Forward(b.config(), wb.plain(), backend, shape)) {
                viaReference = f.logits(batch);
            }
            try (Forward f = new Forward(a.config(), wa.plain(), backend, shape)) {
                plainA = f.logits(batch);
            }
            assertArrayEquals(viaReference, viaOp, "op in the graph vs Java-reference-perturbed weights");
            assertArrayEquals(plainA, unperturbed, "c = 0 must be the plain forward");
            assertFalse(java.util.Arrays.equals(plainA, viaOp), "the perturbation must change the logits");
            return t.trained().stream().map(tr -> tr.entry().name()).toList();
        }
    }

    @ParameterizedTest(name = "{0} {1} threads={2}")
    @CsvSource({"f32, smezo, 1", "f32, mezo, 3", "f16, smezo, 2", "bf16, rmezo, 3", "q8_0, smezo, 2", "q4_0, mezo, 3",
                "q4_0, rmezo, 1", "q5_1, smezo, 2", "q4_K, smezo, 2", "q6_K, mezo, 3", "q2_K, rmezo, 1", "q4_K_M, smezo, 2",
                "bf16, smezo-large, 2", "q8_0, smezo-large, 1"})
    void updateGraphEqualsReferenceUpdate(String type, String method, int threads) throws Exception {
        Path path = synth(type, false, 23);
        float c = -3e-4f, b = 1e-5f;
        try (Arena arena = Arena.ofShared();
             Model a = Model.open(path);
             Model ref = Model.open(path);
             CpuBackend backend = new CpuBackend(threads);
             BackendWeights wa = new BackendWeights(a.weights())) {
            Trainables t = Trainables.select(a.weights(), new Trainables.Selection(true, null, null),
                    Method.parse(method), 0.8, 5, threads, arena);
            try (UpdateGraph u = new UpdateGraph(wa, t, backend)) {
                u.apply(SEED, c, b);
            }
            for (Trainables.Trained tr : t.trained()) {
                Weights.Entry e = tr.entry();
                MemorySegment w = ref.weights().data(ref.weights().get(e.name()));
                if (tr.quantized()) {
                    // c is relative to |v| * gain here: a step of -0.3% of each scale
                    Reference.quantUpdate(w, tr.quant(), 0, tr.quant().blocks(e.elements()), tr.perturbation(), SEED, c, b);
                } else {
                    Reference.update(w, tr.type(), 0, e.elements(), tr.perturbation(), SEED, c, b);
                }
                assertEquals(-1, w.mismatch(a.weights().data(e)), "tensor " + e.name() + " differs from the reference update");
            }
            long changed = 0;
            for (Weights.Entry e : a.weights().entries()) {
                MemorySegment orig = ref.weights().data(e);
                if (t.find(e.name()).isEmpty()) {
                    assertEquals(-1, orig.mismatch(a.weights().data(e)), "untrained " + e.name() + " must not change");
                }
            }
            for (Trainables.Trained tr : t.trained()) changed += tr.entry().elements();
            assertTrue(changed > 0);
        }
    }

    @Test
    void stepLeavesTheStoredWeightsUntouchedByForwards() throws Exception {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 29);
        try (Arena arena = Arena.ofShared();
             Model a = Model.open(path);
             Model orig = Model.open(path);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights wa = new BackendWeights(a.weights());
             PerturbedModel pm = new PerturbedModel(a.config(), wa,
                     Trainables.select(a.weights(), Trainables.Selection.MATRICES, Method.SMEZO, 0.8, 1, 2, arena), backend)) {
            Batch batch = Batch.allPositions(new Random(4).ints(16, 3, 512).toArray());
            pm.logits(batch, batch.shape(), 7, EPS);
            pm.logits(batch, batch.shape(), 7, -EPS);
            assertEquals(-1, orig.weights().memory().mismatch(a.weights().memory()), "forwards must not write the weights");
        }
    }

    @Test
    void perturbedWeightsAreMaterializedOneAtATime() throws Exception {
        // Each W_eff depends on its matmul's input, so ggml computes it right before its use and
        // frees it right after: the compute buffer grows by about one weight, not by all of them.
        Path path = TestModels.synth(dir, "tiny", 6, GgmlType.F32, false, 33);
        try (Arena arena = Arena.ofShared();
             Model m = Model.open(path);
             CpuBackend backend = new CpuBackend(1);
             BackendWeights w = new BackendWeights(m.weights())) {
            ForwardShape shape = new ForwardShape(1, 8, 1);
            long plain;
            try (Forward f = new Forward(m.config(), w.plain(), backend, shape)) {
                plain = f.computeBytes();
            }
            Trainables t = Trainables.select(m.weights(), Trainables.Selection.MATRICES, Method.MEZO, 0, 1, 1, arena);
            long largest = 0, all = 0;
            for (Trainables.Trained tr : t.trained()) {
                largest = Math.max(largest, tr.entry().bytes());
                all += tr.entry().bytes();
            }
            try (PerturbedModel pm = new PerturbedModel(m.config(), w, t, backend)) {
                pm.forward(shape);
                long perturbed = pm.computeBytes();
                System.out.printf("compute buffer: plain %d, perturbed %d, largest weight %d, all trained %d bytes%n",
                        plain, perturbed, largest, all);
                assertTrue(perturbed <= plain + 2 * largest + 4096, "perturbed graph holds " + perturbed + " bytes");
                assertTrue(perturbed < plain + all / 4);
            }
        }
    }

    static float[] copy(MemorySegment logits, int n) {
        return logits.asSlice(0, 4L * n).toArray(ValueLayout.JAVA_FLOAT);
    }

    /** A 2-layer synthetic model of a type or mix: the tiny shape, or tiny-k (rows of 256) for K-quants. */
    static Path synth(String type, boolean tied, long seed) {
        boolean k = type.contains("_K") || type.contains("_k");
        return TestModels.synth(dir, dev.smezo.model.Synth.Flavor.LLAMA, k ? "tiny-k" : "tiny", 2, type, tied, seed);
    }

    static GgmlType typeOf(String name) {
        for (GgmlType t : GgmlType.values()) if (t.ggmlName().equals(name)) return t;
        throw new IllegalArgumentException(name);
    }
}
