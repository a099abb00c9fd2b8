package dev.smezo.train;

import dev.smezo.forward.Batch;
import dev.smezo.forward.ForwardShape;
import dev.smezo.forward.LogProbs;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Examples packed into one forward batch: one sequence per (example, candidate) that is run, and
 * one output row per scored token (position p's logits predict token p+1). From the logits it gives
 * each candidate's mean token log-probability, which both the losses and the prediction use.
 */
public final class CandidateBatch {
    private final List<EncodedExample> examples;
    private final boolean correctOnly;
    private final Batch batch;
    /** Per example, per candidate: index of its sequence in the batch, or -1 when not run. */
    private final int[][] sequenceOf;
    /** Per sequence: first output row and number of scored tokens. */
    private final int[] firstRow, rows;

    /**
     * @param correctOnly run only each example's correct candidate (the multiple-choice LM loss
     *                    needs nothing else)
     */
    public CandidateBatch(List<EncodedExample> examples, boolean correctOnly) {
        this.examples = examples;
        this.correctOnly = correctOnly;
        List<int[]> seqs = new ArrayList<>();
        List<Integer> os = new ArrayList<>(), op = new ArrayList<>(), first = new ArrayList<>(), count = new ArrayList<>();
        sequenceOf = new int[examples.size()][];
        for (int e = 0; e < examples.size(); e++) {
            EncodedExample ex = examples.get(e);
            sequenceOf[e] = new int[ex.candidates()];
            for (int c = 0; c < ex.candidates(); c++) {
                if (correctOnly && c != ex.label()) {
                    sequenceOf[e][c] = -1;
                    continue;
                }
                int s = seqs.size();
                sequenceOf[e][c] = s;
                seqs.add(ex.tokens()[c]);
                first.add(os.size());
                count.add(ex.scored(c));
                for (int p = ex.scoreStart()[c] - 1; p < ex.tokens()[c].length - 1; p++) {
                    os.add(s);
                    op.add(p);
                }
            }
        }
        this.batch = new Batch(seqs.toArray(int[][]::new), os.stream().mapToInt(i -> i).toArray(),
                op.stream().mapToInt(i -> i).toArray());
        this.firstRow = first.stream().mapToInt(i -> i).toArray();
        this.rows = count.stream().mapToInt(i -> i).toArray();
    }

    public Batch batch() {
        return batch;
    }

    public List<EncodedExample> examples() {
        return examples;
    }

    public boolean correctOnly() {
        return correctOnly;
    }

    /** Mean log-probability of each candidate's tokens, per example (NaN where not run). */
    public double[][] meanLogProbs(MemorySegment logits, int nVocab) {
        double[][] out = new double[examples.size()][];
        for (int e = 0; e < examples.size(); e++) {
            EncodedExample ex = examples.get(e);
            out[e] = new double[ex.candidates()];
            for (int c = 0; c < ex.candidates(); c++) {
                int s = sequenceOf[e][c];
                if (s < 0) {
                    out[e][c] = Double.NaN;
                    continue;
                }
                double sum = 0;
                int[] toks = ex.tokens()[c];
                for (int k = 0; k < rows[s]; k++) {
                    int row = firstRow[s] + k;
                    int target = toks[ex.scoreStart()[c] + k];
                    sum += LogProbs.of(logits, row, nVocab, target);
                }
                out[e][c] = sum / rows[s];
            }
        }
        return out;
    }

    /** The smallest shape that holds any batch of {@code perBatch} of these examples. */
    public static ForwardShape shapeFor(List<EncodedExample> all, int perBatch, boolean correctOnly) {
        int maxLen = 1, maxCands = 1, maxScored = 1;
        for (EncodedExample e : all) {
            maxCands = Math.max(maxCands, correctOnly ? 1 : e.candidates());
            int scored = 0;
            for (int c = 0; c < e.candidates(); c++) {
                if (correctOnly && c != e.label()) continue;
                maxLen = Math.max(maxLen, e.tokens()[c].length);
                scored += e.scored(c);
            }
            maxScored = Math.max(maxScored, scored);
        }
        return new ForwardShape(perBatch * maxCands, maxLen, perBatch * maxScored);
    }
}
