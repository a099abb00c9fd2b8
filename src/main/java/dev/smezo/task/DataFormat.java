package dev.smezo.task;

/** The file formats task data comes in, named in task files by {@link #key}. */
public enum DataFormat {
    /** One JSON object per line (SuperGLUE's own files; user tasks). */
    JSONL("jsonl"),
    /** Tab-separated values with a header row of field names (GLUE's SST-2). */
    TSV("tsv"),
    /**
     * SuperGLUE MultiRC: one paragraph per line with nested questions and answers, expanded into one
     * record per (question, answer) pair with fields {@code paragraph}, {@code question},
     * {@code answer}, {@code label}, grouped per question.
     */
    MULTIRC("multirc");

    private final String key;

    DataFormat(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static DataFormat byKey(String key) {
        for (DataFormat f : values()) {
            if (f.key.equals(key)) return f;
        }
        throw new IllegalArgumentException("unknown format \"" + key + "\"; known: jsonl, tsv, multirc");
    }
}
