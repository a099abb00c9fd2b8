package dev.smezo.task;

/** How a task's training loss is formed from the model's candidate scores (PROTOCOL.md). */
public enum LossKind {
    /**
     * Each candidate is scored by the mean log-probability of its tokens given the prompt; those
     * scores are the logits of a cross-entropy over the candidates (MeZO's "train as classification").
     * See {@link Metrics#classificationLoss}.
     */
    CLASSIFICATION("classification"),
    /**
     * Multiple choice (COPA): the LM loss on the correct candidate's tokens only, i.e. minus their mean
     * log-probability; the other candidates matter only at evaluation. See {@link Metrics#lmLoss}.
     * Task files may also spell it {@code "lm"}.
     */
    MULTIPLE_CHOICE("multiple_choice");

    private final String key;

    LossKind(String key) {
        this.key = key;
    }

    /** The name used in task files. */
    public String key() {
        return key;
    }

    public static LossKind byKey(String key) {
        if (key.equals("lm")) return MULTIPLE_CHOICE;
        for (LossKind k : values()) {
            if (k.key.equals(key)) return k;
        }
        throw new IllegalArgumentException("unknown loss \"" + key + "\"; known: classification, multiple_choice (or lm)");
    }
}
