package dev.smezo.train;

import dev.smezo.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static void writeJson(Path file, Object value) throws IOException {
        writeAtomically(file, Json.write(value) + "\n");
    }
}
