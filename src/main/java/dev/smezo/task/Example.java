package dev.smezo.task;

import java.util.List;
import java.util.Objects;

/**
 * One rendered example: the model scores each candidate as the text appended right after the prompt.
 *
 * @param id         stable id within its split (the record's {@code idx} where it has one)
 * @param prompt     the rendered prompt, exactly as fed to the tokenizer
 * @param candidates the exact texts appended after the prompt (leading space included where the
 *                   template wants one, e.g. SST-2's {@code " great"})
 * @param label      index of the correct candidate
 * @param group      the group for per-group metrics (MultiRC: one question); else equal to the id
 */
public record Example(String id, String prompt, List<String> candidates, int label, String group) {
    public Example {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(group, "group");
        candidates = List.copyOf(candidates);
        if (candidates.isEmpty()) throw new IllegalArgumentException("example " + id + " has no candidates");
        if (label < 0 || label >= candidates.size()) {
            throw new IllegalArgumentException("example " + id + ": label " + label + " outside 0.." + (candidates.size() - 1));
        }
    }

    /** The correct candidate's text. */
    public String answer() {
        return candidates.get(label);
    }
}
