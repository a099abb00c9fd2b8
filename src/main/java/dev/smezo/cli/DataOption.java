package dev.smezo.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --data}: a JSONL file of chat, prompt/completion or text records to train on, or the
 * directory where the built-in tasks' files live (../shared/data/superglue beside the repository by
 * default).
 */
final class DataOption {
    @Option(names = "--data", paramLabel = "FILE.jsonl|DIR",
            description = "A JSONL file to train on: chat {\"messages\": [...]}, ShareGPT {\"conversations\": [...]}, "
                    + "{\"prompt\", \"completion\"}, Alpaca {\"instruction\", \"output\"} or {\"text\"}; or the directory "
                    + "of the built-in tasks' files (default: ../shared/data/superglue beside the repository).")
    Path data;

    /** Is --data a file (JSONL records to train on), not a tasks directory? */
    boolean isFile() {
        return data != null && !Files.isDirectory(data) && (Files.isRegularFile(data) || data.toString().endsWith(".jsonl"));
    }

    Path resolve() {
        if (data != null) return data;
        return shared("data/superglue");
    }

    /** {@code ../shared/REL} beside the repository: from the launcher's home, else from the working directory. */
    static Path shared(String rel) {
        String home = System.getProperty("smezo.home");
        if (home != null) {
            Path p = Path.of(home).resolve("../shared").resolve(rel).normalize();
            if (Files.exists(p)) return p;
        }
        return Path.of("..", "shared").resolve(rel).normalize();
    }
}
