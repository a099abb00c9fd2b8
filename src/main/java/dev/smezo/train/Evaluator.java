package dev.smezo.train;

import dev.smezo.forward.ForwardShape;
import dev.smezo.parallel.Group;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.task.LossKind;
import dev.smezo.task.Metrics;
import dev.smezo.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Accuracy (and the task's other metrics) and mean loss over a set of examples: every candidate of
 * every example scored by its mean token log-probability, the highest predicted. Runs the training
 * graph with c = 0, which is exactly the unperturbed forward, so evaluation needs no second graph.
 */
public final class Evaluator {
    /** Metrics as Metrics.evaluate names them (n, accuracy, f1...), plus loss. */
    public record Result(Map<String, Object> metrics, double loss, int[] predicted) {
        /** NaN where there is none (JSONL data has a loss and a perplexity only). */
        public double accuracy() {
            return metrics.get("accuracy") instanceof Number n ? n.doubleValue() : Double.NaN;
        }
    }

    private Evaluator() {}

    /** Logits of a batch run in a graph of the given shape (rows of n_vocab floats). */
    @FunctionalInterface
    public interface Logits {
        java.lang.foreign.MemorySegment of(dev.smezo.forward.Batch batch, ForwardShape shape);
    }

    /** With the training graph at c = 0 (exactly the unperturbed weights), split over a group's ranks. */
    public static Result evaluate(PerturbedModel model, ForwardShape shape, Task task, List<EncodedExample> examples,
                                  int perBatch, Group group) {
        return evaluate((b, s) -> model.logits(b, s, 0, 0f), model.config().nVocab(), shape, task, examples, perBatch, group);
    }

    public static Result evaluate(Logits logits, int nVocab, ForwardShape shape, Task task, List<EncodedExample> examples,
                                  int perBatch) {
        return evaluate(logits, nVocab, shape, task, examples, perBatch, Group.single());
    }

    /**
     * Split over a group's ranks: each scores a contiguous share of the examples (in forwards of
     * {@code perBatch}, of {@code shape}), and every rank gets every example's prediction and loss, in
     * order, so the metrics and the loss are the one-process ones.
     */
    public static Result evaluate(Logits logits, int nVocab, ForwardShape shape, Task task, List<EncodedExample> examples,
                                  int perBatch, Group group) {
        int from = Group.shareStart(examples.size(), group.rank(), group.size());
        int to = Group.shareStart(examples.size(), group.rank() + 1, group.size());
        double[] mine = score(logits, nVocab, shape, task, examples.subList(from, to), perBatch);
        double[] all = group.size() == 1 ? mine : group.allGatherDoubles(mine);
        int n = examples.size();
        int[] predicted = new int[n];
        double lossSum = 0;
        for (int i = 0; i < n; i++) {
            predicted[i] = (int) all[2 * i];
            lossSum += all[2 * i + 1];   // NaN (a broken model) stays NaN, as one process sums it
        }
        List<dev.smezo.task.Example> plain = new ArrayList<>(n);
        for (EncodedExample e : examples) plain.add(e.example());
        return new Result(Metrics.evaluate(task, plain, predicted), lossSum / Math.max(1, n), predicted);
    }

    /** (prediction, loss) of each example, interleaved. */
    private static double[] score(Logits logits, int nVocab, ForwardShape shape, Task task, List<EncodedExample> examples,
                                  int perBatch) {
        double[] out = new double[2 * examples.size()];
        for (int start = 0; start < examples.size(); start += perBatch) {
            List<EncodedExample> part = examples.subList(start, Math.min(examples.size(), start + perBatch));
            CandidateBatch cb = new CandidateBatch(part, false);
            double[][] scores = cb.meanLogProbs(logits.of(cb.batch(), shape), nVocab);
            for (int i = 0; i < part.size(); i++) {
                int label = part.get(i).label(), k = 2 * (start + i);
                if (!TaskObjective.finite(scores[i], -1)) {
                    // A broken model (NaN weights, overflow): a wrong prediction and a NaN loss, not a crash.
                    out[k] = (label + 1) % scores[i].length;
                    out[k + 1] = Double.NaN;
                    continue;
                }
                out[k] = Metrics.predict(scores[i]);
                out[k + 1] = task.loss() == LossKind.CLASSIFICATION
                        ? Metrics.classificationLoss(scores[i], label) : -scores[i][label];
            }
        }
        return out;
    }
}
