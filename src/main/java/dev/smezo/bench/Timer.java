package dev.smezo.bench;

import java.util.Arrays;

/** Runs a task a few times after a warm-up and keeps the median wall time. */
public final class Timer {
    private Timer() {}

    /** Median seconds of {@code runs} timed runs after {@code warmup} untimed ones. */
    public static double median(int warmup, int runs, Runnable task) {
        for (int i = 0; i < warmup; i++) task.run();
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            task.run();
            t[i] = (System.nanoTime() - s) / 1e9;
        }
        Arrays.sort(t);
        return runs % 2 == 1 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
    }
}
