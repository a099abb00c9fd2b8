package dev.smezo.train;

import dev.smezo.data.TokenSequence;
import dev.smezo.forward.Batch;
import dev.smezo.forward.ForwardShape;
import dev.smezo.forward.LogProbs;
import dev.smezo.parallel.Group;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The language-model loss on sequences' target tokens: the mean negative log-likelihood over every
 * target token of the batch (token-weighted, so a long answer counts by its tokens). The batch runs
 * as forwards of at most {@code perForward} sequences (micro-batches), all at the step's one
 * perturbation, so memory is bounded by the micro-batch while the loss is the whole batch's: it
 * equals the one-forward loss up to the order of the float sums.
 *
 * <p>Each forward's shape is its own: length its longest sequence rounded up to {@link #LENGTH_STEP}
 * and outputs its target count rounded up to {@link #OUTPUT_STEP} (a few shapes, whose graphs are
 * kept), never more than {@link #largest}.
 */
public final class SequenceObjective implements Objective {
    /** Lengths of graph shapes are multiples of this (also what ggml's tiled attention kernels want). */
    static final int LENGTH_STEP = 32;
    /** Output rows of graph shapes are multiples of this. */
    static final int OUTPUT_STEP = 64;

    /** One forward: its batch, shape and the target token of each output row. */
    record Part(Batch batch, ForwardShape shape, int[] targets) {}

    private final List<Part> parts = new ArrayList<>();
    private final int nVocab;
    private final int targets;
    private final Group group;

    public SequenceObjective(List<TokenSequence> sequences, int perForward, int nVocab) {
        this(sequences, perForward, nVocab, Group.single());
    }

    /**
     * @param group the ranks the forwards are split over (data parallel): forward p runs on rank
     *              p mod ranks, and the loss sums every forward's NLL in forward order, so it is the
     *              one-process loss bit for bit
     */
    public SequenceObjective(List<TokenSequence> sequences, int perForward, int nVocab, Group group) {
        this.nVocab = nVocab;
        this.group = group;
        int total = 0;
        for (int start = 0; start < sequences.size(); start += perForward) {
            Part p = part(sequences.subList(start, Math.min(sequences.size(), start + perForward)));
            parts.add(p);
            total += p.targets.length;
        }
        this.targets = total;
    }

    private static Part part(List<TokenSequence> seqs) {
        int n = 0, longest = 1;
        for (TokenSequence s : seqs) {
            n += s.targets();
            longest = Math.max(longest, s.length());
        }
        int[][] tokens = new int[seqs.size()][];
        int[] os = new int[n], op = new int[n], tg = new int[n];
        int k = 0;
        for (int i = 0; i < seqs.size(); i++) {
            TokenSequence s = seqs.get(i);
            tokens[i] = s.tokens();
            for (int t = 1; t < s.length(); t++) {
                if (!s.target()[t]) continue;
                os[k] = i;
                op[k] = t - 1;   // position t-1's logits predict token t
                tg[k++] = s.tokens()[t];
            }
        }
        int length = roundUp(longest, LENGTH_STEP);
        ForwardShape shape = new ForwardShape(seqs.size(), length, Math.min(seqs.size() * length, roundUp(Math.max(1, n), OUTPUT_STEP)));
        return new Part(new Batch(tokens, os, op), shape, tg);
    }

    /**
     * The largest shape any batch of {@code perForward} of these sequences needs: the longest
     * sequence, and the most targets {@code perForward} sequences can have together.
     */
    public static ForwardShape largest(List<TokenSequence> sequences, int perForward) {
        int longest = 1;
        int[] targets = new int[sequences.size()];
        for (int i = 0; i < targets.length; i++) {
            longest = Math.max(longest, sequences.get(i).length());
            targets[i] = sequences.get(i).targets();
        }
        Arrays.sort(targets);
        int most = 0;
        for (int i = 0; i < perForward && i < targets.length; i++) most += targets[targets.length - 1 - i];
        int length = roundUp(longest, LENGTH_STEP), seqs = Math.min(perForward, Math.max(1, sequences.size()));
        return new ForwardShape(seqs, length, Math.min(seqs * length, roundUp(Math.max(1, most), OUTPUT_STEP)));
    }

    static int roundUp(int x, int step) {
        return (x + step - 1) / step * step;
    }

    /** Target tokens over all forwards. */
    public int targets() {
        return targets;
    }

    /** Forwards per evaluation of the loss. */
    public int forwards() {
        return parts.size();
    }

    List<Part> parts() {
        return parts;
    }

    @Override
    public double loss(Forwards forwards) {
        int k = group.size(), r = group.rank();
        double[] perPart = new double[parts.size()];
        if (k == 1) {
            for (int p = 0; p < parts.size(); p++) perPart[p] = nll(parts.get(p), forwards.logits(parts.get(p).batch, parts.get(p).shape));
        } else {
            double[] mine = new double[(parts.size() - r + k - 1) / k];
            for (int p = r, i = 0; p < parts.size(); p += k, i++) mine[i] = nll(parts.get(p), forwards.logits(parts.get(p).batch, parts.get(p).shape));
            double[] all = group.allGatherDoubles(mine);   // rank 0's forwards, then rank 1's, ...
            int[] first = new int[k];
            for (int q = 1; q < k; q++) first[q] = first[q - 1] + (parts.size() - (q - 1) + k - 1) / k;
            for (int p = 0; p < parts.size(); p++) perPart[p] = all[first[p % k] + p / k];
        }
        double nll = 0;
        for (double x : perPart) nll += x;
        return Double.isFinite(nll) ? nll / Math.max(1, targets) : Double.NaN;
    }

    /** Minus the summed log-probability of a part's targets. */
    double nll(Part p, MemorySegment logits) {
        double sum = 0;
        for (int i = 0; i < p.targets.length; i++) sum -= LogProbs.of(logits, i, nVocab, p.targets[i]);
        return sum;
    }
}
