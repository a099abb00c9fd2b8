package dev.smezo.task;

/** An evaluation metric of a task; every task reports accuracy, MultiRC also F1 (and EM). */
public enum Metric {
    /** Fraction of examples whose predicted candidate is the label. */
    ACCURACY("accuracy"),
    /**
     * F1 of the task's positive label over all examples (MultiRC's F1a: over all (question, answer)
     * pairs, positive class "true"); reported with the exact match per group (EM) beside it.
     */
    F1("f1");

    private final String key;

    Metric(String key) {
        this.key = key;
    }

    /** The name used in task files and metrics files. */
    public String key() {
        return key;
    }

    public static Metric byKey(String key) {
        for (Metric m : values()) {
            if (m.key.equals(key)) return m;
        }
        throw new IllegalArgumentException("unknown metric \"" + key + "\"; known: accuracy, f1");
    }
}
