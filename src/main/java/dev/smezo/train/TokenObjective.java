package dev.smezo.train;

import dev.smezo.forward.Batch;
import dev.smezo.forward.ForwardShape;
import dev.smezo.forward.LogProbs;
import java.lang.foreign.MemorySegment;

/**
 * A loss on target tokens: the mean negative log-likelihood of {@code targets[i]} under output row
 * i of the batch. Language-model training on text is the case where the targets are the next
 * tokens ({@link #nextTokens}).
 */
public final class TokenObjective implements Objective {
    private final Batch batch;
    private final ForwardShape shape;
    private final int[] targets;
    private final int nVocab;

    public TokenObjective(Batch batch, ForwardShape shape, int[] targets, int nVocab) {
        if (targets.length != batch.outputs()) {
            throw new IllegalArgumentException(targets.length + " targets for " + batch.outputs() + " output rows");
        }
        this.batch = batch;
        this.shape = shape;
        this.targets = targets;
        this.nVocab = nVocab;
    }

    /** LM loss on fixed token sequences: every position predicts the token after it. */
    public static TokenObjective nextTokens(int[][] sequences, int nVocab) {
        int n = 0;
        for (int[] s : sequences) n += s.length - 1;
        int[] os = new int[n], op = new int[n], targets = new int[n];
        int k = 0;
        for (int s = 0; s < sequences.length; s++) {
            for (int p = 0; p + 1 < sequences[s].length; p++, k++) {
                os[k] = s;
                op[k] = p;
                targets[k] = sequences[s][p + 1];
            }
        }
        Batch batch = new Batch(sequences, os, op);
        return new TokenObjective(batch, batch.shape(), targets, nVocab);
    }

    @Override
    public double loss(Forwards forwards) {
        return loss(forwards.logits(batch(), shape()));
    }

    public Batch batch() {
        return batch;
    }

    public ForwardShape shape() {
        return shape;
    }

    /** The loss from the logits of the batch's output positions (rows of n_vocab floats, in order). */
    public double loss(MemorySegment logits) {
        double sum = 0;
        for (int i = 0; i < targets.length; i++) sum -= LogProbs.of(logits, i, nVocab, targets[i]);
        return sum / targets.length;
    }
}
