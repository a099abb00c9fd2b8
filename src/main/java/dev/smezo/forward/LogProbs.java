package dev.smezo.forward;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Log-softmax of logit rows, in double precision. */
public final class LogProbs {
    private LogProbs() {}

    /** log p(token) under row {@code row} of {@code logits} (rows of {@code nVocab} floats). */
    public static double of(float[] logits, int row, int nVocab, int token) {
        int base = row * nVocab;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < nVocab; i++) max = Math.max(max, logits[base + i]);
        double sum = 0;
        for (int i = 0; i < nVocab; i++) sum += Math.exp(logits[base + i] - max);
        return logits[base + token] - max - Math.log(sum);
    }

    /** The same over logits in native memory (the forward's output buffer). */
    public static double of(MemorySegment logits, int row, int nVocab, int token) {
        long base = (long) row * nVocab;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < nVocab; i++) max = Math.max(max, logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + i));
        double sum = 0;
        for (int i = 0; i < nVocab; i++) sum += Math.exp(logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + i) - max);
        return logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + token) - max - Math.log(sum);
    }
}
