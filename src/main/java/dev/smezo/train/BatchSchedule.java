package dev.smezo.train;

import dev.smezo.task.Splits;
import java.util.ArrayList;
import java.util.List;

/**
 * Which training examples step s uses, as a pure function of (seed, s): the examples are walked in
 * epochs, each epoch a fresh seeded permutation, {@code batch} at a time. Resume and replay depend
 * on this being stateless.
 */
public final class BatchSchedule {
    private final int n;
    private final int batch;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    public BatchSchedule(int n, int batch, long seed) {
        if (n < 1) throw new IllegalArgumentException("no training examples");
        this.n = n;
        this.batch = batch;
        this.seed = seed;
    }

    /** Indices (into the training list) of step s's examples. */
    public int[] indices(long step) {
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) {
            long p = step * batch + i;
            out[i] = order(p / n)[(int) (p % n)];
        }
        return out;
    }

    public <T> List<T> examples(List<T> train, long step) {
        List<T> out = new ArrayList<>(batch);
        for (int i : indices(step)) out.add(train.get(i));
        return out;
    }

    private int[] order(long epoch) {
        if (epoch != cachedEpoch) {
            cachedOrder = Splits.permutation(n, seed * 31 + epoch + 1);
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }
}
