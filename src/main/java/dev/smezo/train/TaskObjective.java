package dev.smezo.train;

import dev.smezo.forward.Batch;
import dev.smezo.forward.ForwardShape;
import dev.smezo.task.LossKind;
import dev.smezo.task.Metrics;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A task's training loss on one batch of examples (PROTOCOL.md): classification is the
 * cross-entropy over the candidates' mean log-probabilities; multiple choice is the LM loss on the
 * correct candidate's tokens, so only that candidate is run.
 */
public final class TaskObjective implements Objective {
    private final CandidateBatch batch;
    private final LossKind kind;
    private final ForwardShape shape;
    private final int nVocab;

    public TaskObjective(List<EncodedExample> examples, LossKind kind, ForwardShape shape, int nVocab) {
        this.batch = new CandidateBatch(examples, kind == LossKind.MULTIPLE_CHOICE);
        this.kind = kind;
        this.shape = shape;
        this.nVocab = nVocab;
    }

    @Override
    public double loss(Forwards forwards) {
        return loss(forwards.logits(batch(), shape()));
    }

    public Batch batch() {
        return batch.batch();
    }

    public ForwardShape shape() {
        return shape;
    }

    /** The loss from the logits of the batch's output positions (rows of n_vocab floats, in order). */
    public double loss(MemorySegment logits) {
        return mean(exampleLosses(logits));
    }

    /** Each example's loss, NaN where a score it reads is not finite. */
    public double[] exampleLosses(MemorySegment logits) {
        double[][] scores = batch.meanLogProbs(logits, nVocab);
        List<EncodedExample> ex = batch.examples();
        double[] out = new double[ex.size()];
        for (int i = 0; i < ex.size(); i++) {
            int label = ex.get(i).label();
            out[i] = !finite(scores[i], kind == LossKind.CLASSIFICATION ? -1 : label) ? Double.NaN
                    : kind == LossKind.CLASSIFICATION ? Metrics.classificationLoss(scores[i], label) : -scores[i][label];
        }
        return out;
    }

    /**
     * The batch loss from its examples' losses, summed in example order (so the same examples give the
     * same bits however they were split over forwards or ranks); NaN when one is not (the step is skipped).
     */
    public static double mean(double[] losses) {
        double sum = 0;
        for (double l : losses) {
            if (Double.isNaN(l)) return Double.NaN;
            sum += l;
        }
        return sum / losses.length;
    }

    /** Are the scores the loss reads finite (all of them, or just {@code only} when >= 0)? */
    static boolean finite(double[] scores, int only) {
        if (only >= 0) return Double.isFinite(scores[only]);
        for (double s : scores) if (!Double.isFinite(s)) return false;
        return true;
    }
}
