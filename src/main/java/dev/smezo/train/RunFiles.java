package dev.smezo.train;

import dev.smezo.io.AtomicFile;
import dev.smezo.json.Json;
import java.io.IOException;
import java.nio.file.Path;

/** The files of a run directory, and atomic whole-file writes (temp file + rename). */
public final class RunFiles {
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String MODEL = "model.gguf";
    public static final String BEST = "best.gguf";
    public static final String PLOT = "curves.svg";

    private RunFiles() {}

    public static void writeAtomically(Path file, String content) throws IOException {
        AtomicFile.writeString(file, content);
    }

    public static void writeJson(Path file, Object value) throws IOException {
        writeAtomically(file, Json.write(value) + "\n");
    }
}
