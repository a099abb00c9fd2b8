package dev.smezo.forward;

import dev.smezo.ggml.CpuBackend;
import dev.smezo.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Log-likelihood of a token sequence under the model. Longer sequences than the window are cut
 * into windows of {@code window} tokens that overlap by one, so every token after the first is
 * predicted exactly once, from up to {@code window - 1} tokens of context.
 */
public final class TextScorer {
    /** The summed log-likelihood and how many tokens were predicted. */
    public record Score(double logLikelihood, int predicted) {
        public double mean() {
            return logLikelihood / predicted;
        }

        public double perplexity() {
            return Math.exp(-mean());
        }
    }

    private TextScorer() {}

    public static Score score(ModelConfig config, WeightSource weights, CpuBackend backend, int[] tokens,
                              int window, int sequencesPerBatch) {
        if (tokens.length < 2) throw new IllegalArgumentException("need at least 2 tokens to score, got " + tokens.length);
        if (window < 2) throw new IllegalArgumentException("window must be >= 2");
        List<int[]> windows = new ArrayList<>();
        for (int start = 0; start < tokens.length - 1; start += window - 1) {
            int end = Math.min(tokens.length, start + window);
            windows.add(java.util.Arrays.copyOfRange(tokens, start, end));
        }
        int perBatch = Math.min(sequencesPerBatch, windows.size());
        int len = windows.getFirst().length;
        ForwardShape shape = new ForwardShape(perBatch, len, perBatch * (len - 1));
        double sum = 0;
        int n = 0;
        try (Forward f = new Forward(config, weights, backend, shape)) {
            for (int b = 0; b < windows.size(); b += perBatch) {
                List<int[]> part = windows.subList(b, Math.min(windows.size(), b + perBatch));
                int outs = part.stream().mapToInt(w -> w.length - 1).sum();
                int[] os = new int[outs], op = new int[outs];
                int k = 0;
                for (int s = 0; s < part.size(); s++) {
                    for (int p = 0; p < part.get(s).length - 1; p++, k++) {
                        os[k] = s;
                        op[k] = p;
                    }
                }
                f.run(new Batch(part.toArray(int[][]::new), os, op));
                for (int i = 0; i < outs; i++) {
                    sum += LogProbs.of(f.logitsSegment(), i, config.nVocab(), part.get(os[i])[op[i] + 1]);
                }
                n += outs;
            }
        }
        return new Score(sum, n);
    }
}
