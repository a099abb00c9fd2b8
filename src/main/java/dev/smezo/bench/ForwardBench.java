package dev.smezo.bench;

import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.Batch;
import dev.smezo.forward.Forward;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.model.Model;
import dev.smezo.reference.LlamaCppReference;
import java.nio.file.Path;
import java.util.Random;

/**
 * smezo's forward beside libllama's llama_decode on the same model file, the same tokens (B
 * sequences of T tokens, logits at every position), the same thread count and the same ggml build.
 */
public final class ForwardBench {
    /** Median seconds per batch, for smezo and for llama.cpp (NaN when not measured). */
    public record Result(int sequences, int length, int threads, double smezoSeconds, double llamaSeconds,
                         long computeBytes) {
        public double smezoTokensPerSecond() {
            return sequences * length / smezoSeconds;
        }

        public double llamaTokensPerSecond() {
            return sequences * length / llamaSeconds;
        }

        /** smezo tokens/s over llama.cpp tokens/s (>= 1: smezo is as fast or faster). */
        public double ratio() {
            return llamaSeconds / smezoSeconds;
        }
    }

    private ForwardBench() {}

    public static Result run(Path path, Model model, int sequences, int length, int threads, int runs,
                             boolean withLlama) {
        int[][] seqs = tokens(model.config().nVocab(), sequences, length);
        Batch batch = Batch.allPositions(seqs);
        double ours;
        long compute;
        try (CpuBackend backend = new CpuBackend(threads);
             BackendWeights w = new BackendWeights(model.weights());
             Forward f = new Forward(model.config(), w.plain(), backend, batch.shape())) {
            ours = Timer.median(1, runs, () -> f.run(batch));
            compute = f.computeBytes();
        }
        double theirs = Double.NaN;
        if (withLlama) {
            try (LlamaCppReference llama = new LlamaCppReference(path, sequences * length, sequences, threads)) {
                theirs = Timer.median(1, runs, () -> llama.logits(seqs));
            }
        }
        return new Result(sequences, length, threads, ours, theirs, compute);
    }

    /** Seeded random tokens, BOS-less (ids from 3 up: past the special tokens of llama vocabularies). */
    static int[][] tokens(int nVocab, int sequences, int length) {
        Random r = new Random(42);
        int[][] s = new int[sequences][];
        for (int i = 0; i < sequences; i++) s[i] = r.ints(length, 3, nVocab).toArray();
        return s;
    }
}
