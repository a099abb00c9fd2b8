package dev.smezo.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small JSONL training files for runs on stories260K. */
public final class TestData {
    private TestData() {}

    /** 40 prompt/completion records of TinyStories-like questions, of varied lengths, as {@code dir/pc.jsonl}. */
    public static Path promptCompletions(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        String[] names = {"Lily", "Tom", "Ben", "Sue", "Max"};
        for (int i = 0; i < 40; i++) {
            String n = names[i % names.length];
            lines.add("{\"prompt\": \"" + n + " had a " + "big ".repeat(i % 7) + "ball. What did " + n + " have?\", \"completion\": \" "
                    + n + " had a ball.\"}");
        }
        return Files.write(dir.resolve("pc.jsonl"), lines);
    }
}
