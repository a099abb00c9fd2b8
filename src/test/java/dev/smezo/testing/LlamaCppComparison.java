package dev.smezo.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.Batch;
import dev.smezo.forward.Forward;
import dev.smezo.forward.ForwardShape;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.model.Model;
import dev.smezo.model.ModelConfig;
import dev.smezo.reference.LlamaCppReference;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** smezo's forward against libllama's llama_decode on the same file and sequences. */
public final class LlamaCppComparison {
    private LlamaCppComparison() {}

    /** The largest |smezo - llama_decode| over the logits, and the largest |logit| of llama_decode's. */
    public record Diff(double max, double scale) {
        public double relative() {
            return max / scale;
        }
    }

    /**
     * Max |smezo - llama_decode| over every position of the sequences, with libllama at context
     * {@code ctx} and smezo's config changed by {@code config}; fails when the logits are degenerate.
     */
    public static double maxDiff(Path path, int[][] seqs, int ctx, UnaryOperator<ModelConfig> config, int threads)
            throws Exception {
        return compare(path, seqs, ctx, config, threads).max();
    }

    /**
     * {@link #compare} with libllama at the file's training context, llama.cpp's default (which smezo
     * assumes), and smezo's config as read.
     */
    public static Diff compare(Path path, int[][] seqs, int threads) throws Exception {
        int ctx;
        try (Model m = Model.open(path)) {
            ctx = m.config().nCtxTrain();
        }
        return compare(path, seqs, ctx, c -> c, threads);
    }

    /** The same, with the scale of the logits. */
    public static Diff compare(Path path, int[][] seqs, int ctx, UnaryOperator<ModelConfig> config, int threads)
            throws Exception {
        float[][] ref;
        try (LlamaCppReference llama = new LlamaCppReference(path, ctx, seqs.length, threads)) {
            ref = llama.logits(seqs);
        }
        int longest = 0, total = 0;
        for (int[] s : seqs) {
            longest = Math.max(longest, s.length);
            total += s.length;
        }
        try (Model m = Model.open(path);
             CpuBackend backend = new CpuBackend(threads);
             BackendWeights w = new BackendWeights(m.weights());
             Forward f = new Forward(config.apply(m.config()), w.plain(), backend, new ForwardShape(seqs.length, longest, total))) {
            float[] ours = f.logits(Batch.allPositions(seqs));
            int nv = m.config().nVocab();
            double worst = 0, scale = 0;
            int row = 0;
            for (int s = 0; s < seqs.length; s++) {
                for (int i = 0; i < ref[s].length; i++) {
                    worst = Math.max(worst, Math.abs(ref[s][i] - ours[row * nv + i]));
                    scale = Math.max(scale, Math.abs(ref[s][i]));
                }
                row += seqs[s].length;
            }
            assertTrue(scale > 0.1, "logits are degenerate (max |logit| " + scale + ")");
            System.out.printf("%s: %d sequences, max |logit| %.3f, max |smezo - llama.cpp| %.3g%n",
                    path.getFileName(), seqs.length, scale, worst);
            return new Diff(worst, scale);
        }
    }

}
