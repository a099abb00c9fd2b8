package dev.smezo.task;

import dev.smezo.testing.Fuzzing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fuzz target: any bytes as a task JSON file (`--task FILE.json`), parsed, described and, where it
 * names data, loaded and rendered. Its data paths resolve against the scratch directory, which holds
 * one small valid file per format (the seeds name them), so the fuzzer reaches the readers and the
 * templates through the task file as a user's task does.
 */
public final class TaskFileFuzzer {
    private TaskFileFuzzer() {}

    public static void fuzzerInitialize() {
        Fuzzing.file("train.jsonl", """
                {"premise": "A cat sat.", "hypothesis": "An animal sat.", "label": 0, "idx": 0}
                {"premise": "It rained.", "hypothesis": "It was dry.", "label": 1, "idx": 1}
                """.getBytes(StandardCharsets.UTF_8));
        Fuzzing.file("train.tsv", "sentence\tlabel\nit is good .\t1\nit is bad .\t0\n".getBytes(StandardCharsets.UTF_8));
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Path dir = Fuzzing.scratch();
        Task task;
        try {
            task = Tasks.parse(new String(data, StandardCharsets.UTF_8), dir, "fuzz.json");
        } catch (TaskDataException e) {
            Fuzzing.requireNamed(e, "fuzz.json");
            return;
        }
        task.describe();
        for (Split split : Split.values()) {
            if (!task.has(split)) continue;
            try {
                for (Example ex : task.load(split, dir)) ex.toString();
            } catch (TaskDataException e) {
                if (e.getMessage() == null || e.getMessage().isEmpty()) throw new AssertionError("an empty refusal", e);
            }
        }
    }
}
