package dev.smezo.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every expected value here is worked out by hand in the comment beside it. */
class MetricsTest {
    private static final double TOL = 1e-12;

    @Test
    void predictIsArgmaxOfMeanLogProbsWithTiesToTheFirst() {
        assertEquals(1, Metrics.predict(new double[] {-2.0, -0.5, -1.0}));
        assertEquals(0, Metrics.predict(new double[] {-1.0, -1.0}));
        assertEquals(0, Metrics.predict(new double[] {-3.0}));
        assertEquals(1, Metrics.predict(new double[] {Double.NEGATIVE_INFINITY, -1e9}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.predict(new double[] {}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.predict(new double[] {-1, Double.NaN}));
    }

    @Test
    void meanLogProbIsLengthNormalized() {
        // " great" as 2 tokens with log-probs -1 and -3: mean -2; a 1-token candidate at -2.5 loses to it.
        double twoTokens = Metrics.meanLogProb(new double[] {-1.0, -3.0});
        assertEquals(-2.0, twoTokens, TOL);
        assertEquals(0, Metrics.predict(new double[] {twoTokens, Metrics.meanLogProb(new double[] {-2.5})}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.meanLogProb(new double[] {}));
    }

    @Test
    void classificationLossIsCrossEntropyOverCandidates() {
        // Equal scores over 2 candidates: softmax 1/2 each, loss ln 2.
        assertEquals(Math.log(2), Metrics.classificationLoss(new double[] {-3.0, -3.0}, 1), TOL);
        // s = (0, ln 3): softmax = (1/4, 3/4); loss at 0 = ln 4, at 1 = ln(4/3).
        double[] s = {0.0, Math.log(3)};
        assertEquals(Math.log(4), Metrics.classificationLoss(s, 0), TOL);
        assertEquals(Math.log(4.0 / 3.0), Metrics.classificationLoss(s, 1), TOL);
        // Three candidates (-1, -2, -3): lse = -1 + ln(1 + e^-1 + e^-2) = -0.5923940355...; loss at 2 = lse + 3.
        double lse = -1 + Math.log(1 + Math.exp(-1) + Math.exp(-2));
        assertEquals(-0.59239403555562, lse, 1e-13);
        assertEquals(lse + 3, Metrics.classificationLoss(new double[] {-1, -2, -3}, 2), TOL);
        assertEquals(2.40760596444438, Metrics.classificationLoss(new double[] {-1, -2, -3}, 2), 1e-13);
    }

    @Test
    void classificationLossIsStableForHugeScores() {
        // Shifting all scores leaves the softmax unchanged; a naive exp would overflow (1000) or underflow (-1000).
        assertEquals(Math.log(4), Metrics.classificationLoss(new double[] {1000.0, 1000.0 + Math.log(3)}, 0), 1e-9);
        assertEquals(Math.log(4), Metrics.classificationLoss(new double[] {-1000.0, -1000.0 + Math.log(3)}, 0), 1e-9);
        // Gap of 800: the right answer costs ~e^-800 (0 in doubles), the wrong one 800.
        assertEquals(0.0, Metrics.classificationLoss(new double[] {0, -800}, 0), TOL);
        assertEquals(800.0, Metrics.classificationLoss(new double[] {0, -800}, 1), 1e-9);
        // A candidate with probability 0 does not break the others.
        assertEquals(0.0, Metrics.classificationLoss(new double[] {-1, Double.NEGATIVE_INFINITY}, 0), TOL);
        assertEquals(Double.POSITIVE_INFINITY, Metrics.classificationLoss(new double[] {-1, Double.NEGATIVE_INFINITY}, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.classificationLoss(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, 0));
        assertThrows(IllegalArgumentException.class, () -> Metrics.classificationLoss(new double[] {-1, -2}, 2));
        assertThrows(IllegalArgumentException.class, () -> Metrics.classificationLoss(new double[] {-1, Double.NaN}, 0));
    }

    @Test
    void lmLossIsMinusTheMeanLogProbOfTheCorrectCandidate() {
        // Correct candidate's tokens at -0.5, -1.5, -4: mean -2, loss 2.
        assertEquals(2.0, Metrics.lmLoss(new double[] {-0.5, -1.5, -4.0}), TOL);
        // Through loss(): only the label's score counts for MULTIPLE_CHOICE.
        assertEquals(2.0, Metrics.loss(LossKind.MULTIPLE_CHOICE, new double[] {-7.0, -2.0}, 1), TOL);
        assertEquals(Math.log(4), Metrics.loss(LossKind.CLASSIFICATION, new double[] {0.0, Math.log(3)}, 0), TOL);
    }

    @Test
    void accuracy() {
        assertEquals(0.75, Metrics.accuracy(new int[] {0, 1, 1, 0}, new int[] {0, 1, 0, 0}), TOL);
        assertEquals(1.0, Metrics.accuracy(new int[] {2}, new int[] {2}), TOL);
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(new int[] {0}, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(new int[] {}, new int[] {}));
    }

    @Test
    void f1OverAllAnswersWithPositiveClass() {
        // labels    1 1 1 0 0 0 1
        // predicted 1 0 1 1 0 0 0    positive = 1: TP 2, FP 1, FN 2
        // precision 2/3, recall 2/4 = 1/2, F1 = 2 * (2/3)(1/2) / (2/3 + 1/2) = (2/3) / (7/6) = 4/7
        int[] labels = {1, 1, 1, 0, 0, 0, 1};
        int[] predicted = {1, 0, 1, 1, 0, 0, 0};
        Metrics.F1 f = Metrics.f1(predicted, labels, 1);
        assertEquals(4.0 / 7.0, f.f1(), TOL);
        assertEquals(2.0 / 3.0, f.precision(), TOL);
        assertEquals(0.5, f.recall(), TOL);
        assertEquals(2, f.truePositives());
        assertEquals(1, f.falsePositives());
        assertEquals(2, f.falseNegatives());
        // Positive class 0 (BoolQ-style order): TP 2 (i=4,5), FP 2 (i=1,6), FN 1 (i=3): P 1/2, R 2/3, F1 4/7.
        assertEquals(4.0 / 7.0, Metrics.f1(predicted, labels, 0).f1(), TOL);
        // Nothing predicted positive: precision and F1 are 0, not NaN.
        Metrics.F1 none = Metrics.f1(new int[] {0, 0}, new int[] {1, 0}, 1);
        assertEquals(0.0, none.f1(), TOL);
        assertEquals(0.0, none.precision(), TOL);
    }

    @Test
    void exactMatchPerGroup() {
        // q1: both right; q2: one wrong; q3: right -> EM 2/3.
        int[] labels = {1, 0, 1, 1, 0};
        int[] predicted = {1, 0, 1, 0, 0};
        String[] groups = {"q1", "q1", "q2", "q2", "q3"};
        assertEquals(2.0 / 3.0, Metrics.exactMatch(predicted, labels, groups), TOL);
    }

    @Test
    void evaluateReportsTheTasksMetrics() {
        Task multirc = Tasks.byName("multirc");
        List<String> yn = List.of("No", "Yes");
        List<Example> ex = List.of(
                new Example("a", "p", yn, 1, "q1"), new Example("b", "p", yn, 0, "q1"),
                new Example("c", "p", yn, 1, "q2"), new Example("d", "p", yn, 1, "q2"));
        // predicted 1 0 1 0: accuracy 3/4; TP 2, FP 0, FN 1 -> P 1, R 2/3, F1 0.8; EM: q1 right, q2 not -> 1/2.
        Map<String, Object> m = Metrics.evaluate(multirc, ex, new int[] {1, 0, 1, 0});
        assertEquals(List.of("n", "accuracy", "f1", "precision", "recall", "em"), List.copyOf(m.keySet()));
        assertEquals(4L, m.get("n"));
        assertEquals(0.75, (double) m.get("accuracy"), TOL);
        assertEquals(0.8, (double) m.get("f1"), TOL);
        assertEquals(1.0, (double) m.get("precision"), TOL);
        assertEquals(2.0 / 3.0, (double) m.get("recall"), TOL);
        assertEquals(0.5, (double) m.get("em"), TOL);
        Map<String, Object> acc = Metrics.evaluate(Tasks.byName("rte"), ex, new int[] {1, 1, 1, 1});
        assertEquals(Map.of("n", 4L, "accuracy", 0.75), acc);
        assertEquals("{\"n\":4,\"accuracy\":0.75}", dev.smezo.json.Json.write(acc));
    }
}
