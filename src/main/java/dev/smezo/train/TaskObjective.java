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
        double[][] scores = batch.meanLogProbs(logits, nVocab);
        double sum = 0;
        List<EncodedExample> ex = batch.examples();
        for (int i = 0; i < ex.size(); i++) {
            int label = ex.get(i).label();
            if (!finite(scores[i], kind == LossKind.CLASSIFICATION ? -1 : label)) return Double.NaN; // the step is skipped
            sum += kind == LossKind.CLASSIFICATION ? Metrics.classificationLoss(scores[i], label) : -scores[i][label];
        }
        return sum / ex.size();
    }

    /** Are the scores the loss reads finite (all of them, or just {@code only} when >= 0)? */
    static boolean finite(double[] scores, int only) {
        if (only >= 0) return Double.isFinite(scores[only]);
        for (double s : scores) if (!Double.isFinite(s)) return false;
        return true;
    }
}
