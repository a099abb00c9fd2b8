package dev.smezo.train;

import dev.smezo.task.Example;
import dev.smezo.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An example as token sequences, one per candidate: the prompt followed by the candidate, and the
 * span of tokens that belong to the candidate (the scored part).
 *
 * <p>Tokenization: prompt + candidate is tokenized as one text, and the scored span is what follows
 * the longest common prefix with the prompt's own tokens. SentencePiece adds a space prefix to any
 * text it starts, so tokenizing the candidate alone would give different tokens; tokenizing the
 * whole keeps the tokens the model would really see. A prompt longer than {@code maxLength} loses
 * tokens from its start (after BOS), so the end of the prompt, where the question is, survives.
 */
public record EncodedExample(Example example, int[][] tokens, int[] scoreStart) {

    public int label() {
        return example.label();
    }

    public int candidates() {
        return tokens.length;
    }

    /** Scored tokens of candidate c. */
    public int scored(int c) {
        return tokens[c].length - scoreStart[c];
    }

    public static EncodedExample encode(Tokenizer tok, Example ex, int maxLength) {
        return encode(tok, ex, "", maxLength);
    }

    /** With {@code context} (in-context demonstrations) in front of the prompt. */
    public static EncodedExample encode(Tokenizer tok, Example ex, String context, int maxLength) {
        String prompt = context + ex.prompt();
        int[] p = tok.encode(prompt, true);
        int n = ex.candidates().size();
        int[][] seqs = new int[n][];
        int[] start = new int[n];
        for (int c = 0; c < n; c++) {
            int[] full = tok.encode(prompt + ex.candidates().get(c), true);
            int common = 0;
            while (common < p.length && common < full.length && p[common] == full[common]) common++;
            if (common == full.length) {
                throw new IllegalArgumentException("example " + ex.id() + ": candidate '" + ex.candidates().get(c)
                        + "' adds no tokens after the prompt");
            }
            int candidateTokens = full.length - common;
            if (candidateTokens + 2 > maxLength) {
                throw new IllegalArgumentException("example " + ex.id() + ": candidate of " + candidateTokens
                        + " tokens does not fit --max-length " + maxLength);
            }
            if (full.length > maxLength) {
                // Keep BOS (when present), drop the oldest prompt tokens.
                int keepHead = tok.addsBos() && full[0] == tok.bos() ? 1 : 0;
                int drop = full.length - maxLength;
                int[] cut = new int[maxLength];
                System.arraycopy(full, 0, cut, 0, keepHead);
                System.arraycopy(full, keepHead + drop, cut, keepHead, maxLength - keepHead);
                common -= drop;
                full = cut;
            }
            seqs[c] = full;
            start[c] = common;
        }
        return new EncodedExample(ex, seqs, start);
    }

    public static List<EncodedExample> encodeAll(Tokenizer tok, List<Example> examples, String context, int maxLength) {
        List<EncodedExample> out = new ArrayList<>(examples.size());
        for (Example e : examples) out.add(encode(tok, e, context, maxLength));
        return out;
    }

    @Override
    public String toString() {
        return example.id() + " " + Arrays.deepToString(tokens) + " scored from " + Arrays.toString(scoreStart);
    }
}
