package dev.smezo.train;

import dev.smezo.json.Json;
import dev.smezo.json.JsonLines;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * metrics.jsonl: one JSON object per line, {@code "type": "train"} (windowed training loss, lr,
 * speed) or {@code "type": "eval"} (dev and test metrics, trained fraction), each with
 * {@code "step"}: the number of steps done. Readable by any tool (jq, pandas.read_json(lines=True)).
 */
public final class MetricsLog implements AutoCloseable {
    private final Writer out;

    private MetricsLog(Writer out) {
        this.out = out;
    }

    public static MetricsLog create(Path file) throws IOException {
        return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /**
     * Keeps the records of fewer than {@code stepsDone} steps and the training records of
     * {@code stepsDone} itself (a resume redoes the rest: the evaluation and the diagnostic at
     * {@code stepsDone}, the steps after it) and appends.
     */
    public static MetricsLog resume(Path file, long stepsDone, List<Map<String, Object>> kept) throws IOException {
        kept.clear();
        StringBuilder sb = new StringBuilder();
        if (Files.exists(file)) {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            int end = s.lastIndexOf('\n');
            String[] lines = end < 0 ? new String[0] : s.substring(0, end).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank()) continue;
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) JsonLines.parseLine(file.toString(), i + 1, line);
                long step = ((Number) m.get("step")).longValue();
                if (step < stepsDone || step == stepsDone && "train".equals(m.get("type"))) {
                    kept.add(m);
                    sb.append(line).append('\n');
                }
            }
        }
        RunFiles.writeAtomically(file, sb.toString());
        return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    public void write(Map<String, Object> record) throws IOException {
        out.write(Json.write(record) + "\n");
        out.flush();
    }

    public static List<Map<String, Object>> read(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        JsonLines.read(file, (line, v) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            out.add(m);
        });
        return out;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
