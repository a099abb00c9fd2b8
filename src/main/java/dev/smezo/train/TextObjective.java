package dev.smezo.train;

import dev.smezo.forward.Batch;
import dev.smezo.forward.ForwardShape;
import dev.smezo.forward.LogProbs;
import java.lang.foreign.MemorySegment;

/** Language-model loss on fixed token sequences: the mean negative log-likelihood of every next token. */
public final class TextObjective implements Objective {
    private final int[][] sequences;
    private final Batch batch;
    private final ForwardShape shape;
    private final int nVocab;

    public TextObjective(int[][] sequences, int nVocab) {
        this.sequences = sequences;
        this.nVocab = nVocab;
        int n = 0;
        for (int[] s : sequences) n += s.length - 1;
        int[] os = new int[n], op = new int[n];
        int k = 0;
        for (int s = 0; s < sequences.length; s++) {
            for (int p = 0; p + 1 < sequences[s].length; p++, k++) {
                os[k] = s;
                op[k] = p;
            }
        }
        this.batch = new Batch(sequences, os, op);
        this.shape = batch.shape();
    }

    @Override
    public Batch batch() {
        return batch;
    }

    @Override
    public ForwardShape shape() {
        return shape;
    }

    @Override
    public double loss(MemorySegment logits) {
        double sum = 0;
        int n = batch.outputs();
        for (int i = 0; i < n; i++) {
            sum -= LogProbs.of(logits, i, nVocab, sequences[batch.outSequence()[i]][batch.outPosition()[i] + 1]);
        }
        return sum / n;
    }
}
