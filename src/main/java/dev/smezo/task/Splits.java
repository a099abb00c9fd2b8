package dev.smezo.task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The train, dev and test sets of one run, sampled as PROTOCOL.md says (MeZO's protocol).
 *
 * <p>The algorithm, so that a run can be reproduced from its seed:
 * <ul>
 *   <li>{@link #permutation}{@code (n, seed)} is Fisher-Yates with {@code new java.util.Random(seed)}
 *       (whose generator the JDK specifies): start from the identity, then for {@code i = n-1} down to
 *       1 swap positions {@code i} and {@code random.nextInt(i + 1)}.</li>
 *   <li>test = the first {@code min(nTest, |validation|)} records of {@code permutation(|validation|, seed)};</li>
 *   <li>with a train file: train = the first {@code nTrain} of {@code permutation(|train|, seed)}, dev = the
 *       next {@code nDev} (fewer where the file is short);</li>
 *   <li>without one (BoolQ here): train and dev are carved from the validation records after the test
 *       ones in the same permutation, so all three are disjoint, and {@link #note} says so.</li>
 * </ul>
 * Both permutations use the run seed (as MeZO does), each from its own {@code Random}.
 *
 * @param note one line for the run's output: the seed, the sources, the sizes and any carve or shortfall
 */
public record Splits(Task task, long seed, List<Example> train, List<Example> dev, List<Example> test, String note) {
    public Splits {
        train = List.copyOf(train);
        dev = List.copyOf(dev);
        test = List.copyOf(test);
    }

    /** Samples with the task's default sizes (1,000 / 500 / 1,000; COPA 300 / 100 / 1,000). */
    public static Splits sample(Task task, Path dataDir, long seed) {
        Defaults d = task.defaults();
        return sample(task, dataDir, seed, d.train(), d.dev(), d.test());
    }

    /**
     * Loads the task's data and samples from it; see the class comment.
     *
     * @param dataDir where built-in data lives ({@code shared/data/superglue}); see {@link Task#load}
     */
    public static Splits sample(Task task, Path dataDir, long seed, int nTrain, int nDev, int nTest) {
        List<Example> validation = task.load(Split.VALIDATION, dataDir);
        List<Example> train = task.has(Split.TRAIN) ? task.load(Split.TRAIN, dataDir) : null;
        return sample(task, train, validation, seed, nTrain, nDev, nTest,
                task.has(Split.TRAIN) ? task.origin(Split.TRAIN, dataDir) : null, task.origin(Split.VALIDATION, dataDir));
    }

    /**
     * Samples from examples already loaded; {@code trainPool} null means there is no train file and
     * train/dev are carved from {@code validation}. The origins name the sources in the note.
     */
    public static Splits sample(Task task, List<Example> trainPool, List<Example> validation, long seed,
                                int nTrain, int nDev, int nTest, String trainOrigin, String validationOrigin) {
        if (nTrain < 0 || nDev < 0 || nTest < 0) throw new IllegalArgumentException("negative sample size");
        int[] vp = permutation(validation.size(), seed);
        int nt = Math.min(nTest, validation.size());
        List<Example> test = pick(validation, vp, 0, nt);
        StringBuilder note = new StringBuilder(task.name()).append(": seed ").append(seed).append("; ");
        List<Example> train;
        List<Example> dev;
        if (trainPool != null) {
            int[] tp = permutation(trainPool.size(), seed);
            int a = Math.min(nTrain, trainPool.size());
            int b = Math.min(nDev, trainPool.size() - a);
            train = pick(trainPool, tp, 0, a);
            dev = pick(trainPool, tp, a, a + b);
            note.append("train ").append(a).append(" + dev ").append(b).append(" from a seeded permutation of ")
                    .append(trainOrigin).append(" (").append(trainPool.size()).append(" records)");
            shortfall(note, nTrain + nDev, a + b, "train + dev");
            note.append("; test ").append(nt).append(" of ").append(validationOrigin)
                    .append(" (").append(validation.size()).append(" records)");
        } else {
            int a = Math.min(nTrain, validation.size() - nt);
            int b = Math.min(nDev, validation.size() - nt - a);
            train = pick(validation, vp, nt, nt + a);
            dev = pick(validation, vp, nt + a, nt + a + b);
            note.append("no train file, so train and dev are carved from the validation split and kept disjoint from test: ")
                    .append("test ").append(nt).append(", train ").append(a).append(", dev ").append(b)
                    .append(" from one seeded permutation of ").append(validationOrigin)
                    .append(" (").append(validation.size()).append(" records)");
            shortfall(note, nTrain + nDev, a + b, "train + dev");
        }
        note.append(" [Fisher-Yates, java.util.Random(").append(seed).append(")]");
        return new Splits(task, seed, train, dev, test, note.toString());
    }

    private static void shortfall(StringBuilder note, int asked, int got, String what) {
        if (got < asked) note.append(" (").append(what).append(": asked for ").append(asked).append(", only ").append(got).append(" available)");
    }

    private static List<Example> pick(List<Example> pool, int[] perm, int from, int to) {
        List<Example> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) out.add(pool.get(perm[i]));
        return out;
    }

    /**
     * A seeded random permutation of 0..n-1: Fisher-Yates with {@code new java.util.Random(seed)}, for
     * {@code i = n-1} down to 1 swapping {@code i} with {@code random.nextInt(i + 1)}.
     */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
