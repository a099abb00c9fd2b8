package dev.smezo.data;

import dev.smezo.task.TaskDataException;
import dev.smezo.testing.Fuzzing;
import java.io.IOException;
import java.nio.file.Path;

/** Fuzz target: any bytes as a `--data FILE.jsonl` (chat, prompt/completion or text records). */
public final class DataFileFuzzer {
    private DataFileFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Path file = Fuzzing.file("data.jsonl", data);
        try {
            for (DataRecord r : DataFiles.read(file).records()) r.toString();
        } catch (TaskDataException | IOException e) {
            Fuzzing.requireNamed(e, file.toString());
        }
    }
}
