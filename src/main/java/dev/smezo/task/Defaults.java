package dev.smezo.task;

/**
 * Per-task default sample sizes (PROTOCOL.md: 1,000 train / 500 dev / up to 1,000 test; COPA
 * 300 / 100 / 1,000 since its train file has 400 records).
 */
public record Defaults(int train, int dev, int test) {
    public static final Defaults PROTOCOL = new Defaults(1000, 500, 1000);

    public Defaults {
        if (train < 0 || dev < 0 || test < 0) throw new IllegalArgumentException("negative sample size");
    }
}
