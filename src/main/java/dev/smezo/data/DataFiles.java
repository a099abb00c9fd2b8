package dev.smezo.data;

import dev.smezo.io.TextFile;
import dev.smezo.json.Json;
import dev.smezo.json.JsonException;
import dev.smezo.task.TaskDataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a training or dev JSONL file of one {@link DataFormat}, detected from its first record. */
public final class DataFiles {
    private DataFiles() {}

    /** A file's records and their format. */
    public record Contents(Path file, DataFormat format, List<DataRecord> records) {}

    /**
     * @throws IOException for a file that cannot be read or is not UTF-8 (the message names the line)
     * @throws TaskDataException naming the file, line and field: a line that is not JSON or not an
     *         object, a record of another format than the file's, a missing or mistyped field, an
     *         unknown role, a conversation without an assistant turn, a file with no records
     */
    public static Contents read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        String source = file.toString();
        String text = TextFile.read(file);
        List<DataRecord> out = new ArrayList<>();
        DataFormat format = null;
        int formatLine = 0, line = 0;
        for (int start = 0; start < text.length(); ) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            line++;
            String s = text.substring(start, end).strip();
            start = end + 1;
            if (s.isEmpty()) continue;
            Object v;
            try {
                v = Json.parse(s);
            } catch (JsonException e) {
                throw new TaskDataException(source, line, null, "not JSON: column " + e.column() + ": " + message(e));
            }
            if (!(v instanceof Map<?, ?> m)) throw new TaskDataException(source, line, null, "not a JSON object");
            DataFormat f = DataFormat.detect(m);
            if (f == null) {
                throw new TaskDataException(source, line, null, "not a known record format; known: " + DataFormat.known());
            }
            if (format == null) {
                format = f;
                formatLine = line;
            } else if (f != format) {
                throw new TaskDataException(source, line, null, "a " + name(f) + " record in a " + name(format)
                        + " file (line " + formatLine + " set the format); one format per file");
            }
            out.add(f.read(m, source, line));
        }
        if (out.isEmpty()) throw new TaskDataException(source, 0, null, "no records (an empty file)");
        return new Contents(file, format, out);
    }

    private static String name(DataFormat f) {
        return f.name().toLowerCase().replace('_', '-');
    }

    /** The parser's message without its own "line L, column C: " prefix (a record is one line). */
    private static String message(JsonException e) {
        String m = e.getMessage();
        int i = m.indexOf(": ");
        return m.startsWith("line ") && i > 0 ? m.substring(i + 2) : m;
    }
}
