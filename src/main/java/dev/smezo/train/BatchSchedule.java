package dev.smezo.train;

import dev.smezo.task.Splits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which training examples step s uses, as a pure function of (seed, s): the examples are walked in
 * epochs, each epoch a fresh seeded permutation, {@code batch} at a time. Resume and replay depend
 * on this being stateless.
 *
 * <p>Grouped by length ({@link #byLength}), an epoch's permutation is cut into groups of
 * {@link #GROUP} batches, each group sorted by length and cut into batches, and the epoch's batches
 * are then visited in a seeded order (Hugging Face's {@code group_by_length}): a batch's sequences
 * have similar lengths, so it is padded to its own longest, not the data set's, while every batch
 * is still a random draw. An epoch then has {@code n / batch} batches; the {@code n % batch}
 * examples left over differ from epoch to epoch.
 */
public final class BatchSchedule {
    /** Batches per length-sorted group. */
    static final int GROUP = 16;

    private final int n;
    private final int batch;
    private final long seed;
    private final int[] lengths;   // null: not grouped
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    public BatchSchedule(int n, int batch, long seed) {
        this(n, batch, seed, null);
    }

    private BatchSchedule(int n, int batch, long seed, int[] lengths) {
        if (n < 1) throw new IllegalArgumentException("no training examples");
        if (lengths != null && batch > n) throw new IllegalArgumentException("batch " + batch + " is more than the " + n + " examples");
        this.n = n;
        this.batch = batch;
        this.seed = seed;
        this.lengths = lengths;
    }

    /** Batches of similar lengths (the examples' {@code lengths}). */
    public static BatchSchedule byLength(int[] lengths, int batch, long seed) {
        return new BatchSchedule(lengths.length, batch, seed, lengths.clone());
    }

    /** Indices (into the training list) of step s's examples. */
    public int[] indices(long step) {
        int[] out = new int[batch];
        if (lengths != null) {
            long perEpoch = n / batch;
            System.arraycopy(order(step / perEpoch), (int) (step % perEpoch) * batch, out, 0, batch);
            return out;
        }
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
            if (lengths != null) cachedOrder = grouped(cachedOrder, epoch);
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    /** The epoch's batches, each of similar lengths, concatenated in a seeded order. */
    private int[] grouped(int[] perm, long epoch) {
        int batches = n / batch;
        Integer[] used = new Integer[batches * batch];
        for (int i = 0; i < used.length; i++) used[i] = perm[i];
        for (int g = 0; g < used.length; g += GROUP * batch) {   // longest first within a group; ties by index
            Arrays.sort(used, g, Math.min(used.length, g + GROUP * batch),
                    (a, b) -> lengths[a] != lengths[b] ? Integer.compare(lengths[b], lengths[a]) : Integer.compare(a, b));
        }
        int[] batchOrder = Splits.permutation(batches, seed * 131 + epoch + 7);
        int[] out = new int[used.length];
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < batch; i++) out[b * batch + i] = used[batchOrder[b] * batch + i];
        }
        return out;
    }
}
