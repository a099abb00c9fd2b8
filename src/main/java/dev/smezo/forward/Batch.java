package dev.smezo.forward;

import java.util.Arrays;

/**
 * Token sequences to run together, and the positions whose logits are wanted, as (sequence,
 * position) pairs in the order their logits are returned. Position p's logits predict token p+1.
 */
public record Batch(int[][] sequences, int[] outSequence, int[] outPosition) {
    public Batch {
        if (outSequence.length != outPosition.length) throw new IllegalArgumentException("output lists differ in length");
        for (int i = 0; i < outSequence.length; i++) {
            int s = outSequence[i], p = outPosition[i];
            if (s < 0 || s >= sequences.length || p < 0 || p >= sequences[s].length) {
                throw new IllegalArgumentException("output " + i + " (sequence " + s + ", position " + p
                        + ") is outside the batch");
            }
        }
    }

    /** Every position of every sequence. */
    public static Batch allPositions(int[]... sequences) {
        int n = Arrays.stream(sequences).mapToInt(s -> s.length).sum();
        int[] os = new int[n], op = new int[n];
        int k = 0;
        for (int s = 0; s < sequences.length; s++) {
            for (int p = 0; p < sequences[s].length; p++) {
                os[k] = s;
                op[k++] = p;
            }
        }
        return new Batch(sequences, os, op);
    }

    public int longest() {
        return Arrays.stream(sequences).mapToInt(s -> s.length).max().orElse(0);
    }

    public int outputs() {
        return outSequence.length;
    }

    /** The smallest shape that holds this batch. */
    public ForwardShape shape() {
        return new ForwardShape(sequences.length, Math.max(1, longest()), Math.max(1, outputs()));
    }

    public boolean fits(ForwardShape shape) {
        return sequences.length <= shape.sequences() && longest() <= shape.length() && outputs() <= shape.outputs();
    }
}
