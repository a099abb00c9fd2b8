package dev.smezo.task;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prediction, losses and metrics as pure functions of the model's scores (PROTOCOL.md, "Loss and
 * evaluation"). A candidate's score is the mean log-probability of its tokens given the prompt.
 */
public final class Metrics {
    private Metrics() {}

    /** The mean of a candidate's token log-probabilities (its length-normalized log-likelihood). */
    public static double meanLogProb(double[] tokenLogProbs) {
        if (tokenLogProbs.length == 0) throw new IllegalArgumentException("a candidate has at least one token");
        double sum = 0;
        for (double v : tokenLogProbs) sum += v;
        return sum / tokenLogProbs.length;
    }

    /** The predicted candidate: the highest mean log-probability; ties go to the lowest index. */
    public static int predict(double[] meanLogProbs) {
        checkScores(meanLogProbs);
        int best = 0;
        for (int i = 1; i < meanLogProbs.length; i++) {
            if (meanLogProbs[i] > meanLogProbs[best]) best = i;
        }
        return best;
    }

    /**
     * Cross-entropy of softmax(meanLogProbs) at {@code label}: {@code logSumExp(s) - s[label]}, computed
     * stably. MeZO's "train as classification" loss.
     */
    public static double classificationLoss(double[] meanLogProbs, int label) {
        checkScores(meanLogProbs);
        checkLabel(meanLogProbs, label);
        double lse = logSumExp(meanLogProbs);
        if (lse == Double.NEGATIVE_INFINITY) throw new IllegalArgumentException("every candidate has probability 0");
        return lse - meanLogProbs[label];
    }

    /** The LM loss on the correct candidate's tokens: minus their mean log-probability. */
    public static double lmLoss(double[] correctTokenLogProbs) {
        return -meanLogProb(correctTokenLogProbs);
    }

    /** The training loss of one example for {@code kind}, from every candidate's mean log-probability. */
    public static double loss(LossKind kind, double[] meanLogProbs, int label) {
        return switch (kind) {
            case CLASSIFICATION -> classificationLoss(meanLogProbs, label);
            case MULTIPLE_CHOICE -> {
                checkLabel(meanLogProbs, label);
                yield -meanLogProbs[label];
            }
        };
    }

    /** log(sum(exp(x))) without overflow: max + log(sum(exp(x - max))). */
    public static double logSumExp(double[] x) {
        checkScores(x);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) max = Math.max(max, v);
        if (max == Double.NEGATIVE_INFINITY) return max;
        if (max == Double.POSITIVE_INFINITY) throw new IllegalArgumentException("a score is +infinity");
        double sum = 0;
        for (double v : x) sum += Math.exp(v - max);
        return max + Math.log(sum);
    }

    /** The fraction of examples predicted right. */
    public static double accuracy(int[] predicted, int[] labels) {
        checkSameLength(predicted.length, labels.length);
        int right = 0;
        for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) right++;
        return (double) right / labels.length;
    }

    /** Binary F1 with its parts; precision (recall) is 0 when nothing is predicted (labelled) positive. */
    public record F1(double f1, double precision, double recall, int truePositives, int falsePositives, int falseNegatives) {}

    /**
     * F1 of class {@code positive} over all examples. For MultiRC this is F1a: over every (question,
     * answer) pair with the positive class "true" (the candidate "Yes").
     */
    public static F1 f1(int[] predicted, int[] labels, int positive) {
        checkSameLength(predicted.length, labels.length);
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean p = predicted[i] == positive;
            boolean l = labels[i] == positive;
            if (p && l) tp++;
            else if (p) fp++;
            else if (l) fn++;
        }
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new F1(f1, precision, recall, tp, fp, fn);
    }

    /**
     * Exact match per group (MultiRC's EM): the fraction of groups (questions) whose examples are all
     * predicted right. Only the examples given count, so on a sample a question may be partly present.
     */
    public static double exactMatch(int[] predicted, int[] labels, String[] groups) {
        checkSameLength(predicted.length, labels.length);
        checkSameLength(groups.length, labels.length);
        Map<String, Boolean> allRight = new HashMap<>();
        for (int i = 0; i < labels.length; i++) allRight.merge(groups[i], predicted[i] == labels[i], Boolean::logicalAnd);
        long right = allRight.values().stream().filter(b -> b).count();
        return (double) right / allRight.size();
    }

    /**
     * The task's metrics over {@code examples} given the predicted candidate indices, for a metrics
     * file: {@code n}, {@code accuracy}, and for F1 tasks {@code f1}, {@code precision}, {@code recall},
     * {@code em}.
     */
    public static Map<String, Object> evaluate(Task task, List<Example> examples, int[] predicted) {
        checkSameLength(predicted.length, examples.size());
        int[] labels = new int[examples.size()];
        String[] groups = new String[examples.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = examples.get(i).label();
            groups[i] = examples.get(i).group();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n", (long) labels.length);
        for (Metric m : task.metrics()) {
            switch (m) {
                case ACCURACY -> out.put("accuracy", accuracy(predicted, labels));
                case F1 -> {
                    F1 f = f1(predicted, labels, task.positiveLabel());
                    out.put("f1", f.f1());
                    out.put("precision", f.precision());
                    out.put("recall", f.recall());
                    out.put("em", exactMatch(predicted, labels, groups));
                }
            }
        }
        return out;
    }

    private static void checkScores(double[] scores) {
        if (scores.length == 0) throw new IllegalArgumentException("no candidates");
        for (double v : scores) if (Double.isNaN(v)) throw new IllegalArgumentException("a candidate score is NaN");
    }

    private static void checkLabel(double[] scores, int label) {
        if (label < 0 || label >= scores.length) throw new IllegalArgumentException("label " + label + " outside 0.." + (scores.length - 1));
    }

    private static void checkSameLength(int a, int b) {
        if (a != b) throw new IllegalArgumentException("lengths differ: " + a + " vs " + b);
        if (a == 0) throw new IllegalArgumentException("no examples");
    }
}
