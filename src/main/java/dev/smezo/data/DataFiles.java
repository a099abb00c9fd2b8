package dev.smezo.data;

import dev.smezo.json.JsonException;
import dev.smezo.json.JsonLines;
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
     * @throws IOException for a file that cannot be read
     * @throws TaskDataException naming the file, line and field: a line that is not UTF-8, not JSON or not an
     *         object, a record of another format than the file's, a missing or mistyped field, an
     *         unknown role, a conversation without an assistant turn, a file with no records
     */
    public static Contents read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        String source = file.toString();
        List<DataRecord> out = new ArrayList<>();
        DataFormat[] format = {null};
        int[] formatLine = {0};
        try {
            JsonLines.read(file, (line, v) -> {   // streamed: one line in memory at a time
                if (!(v instanceof Map<?, ?> m)) throw new TaskDataException(source, line, null, "not a JSON object");
                DataFormat f = DataFormat.detect(m);
                if (f == null) {
                    throw new TaskDataException(source, line, null, "not a known record format; known: " + DataFormat.known());
                }
                if (format[0] == null) {
                    format[0] = f;
                    formatLine[0] = line;
                } else if (f != format[0]) {
                    throw new TaskDataException(source, line, null, "a " + name(f) + " record in a " + name(format[0])
                            + " file (line " + formatLine[0] + " set the format); one format per file");
                }
                out.add(f.read(m, source, line));
            });
        } catch (JsonException e) {   // bad JSON and bytes that are not UTF-8 alike
            throw new TaskDataException(source, e.line(), null, "not JSON at column " + e.column() + ": " + e.reason(), e);
        }
        if (out.isEmpty()) throw new TaskDataException(source, 0, null, "no records (an empty file)");
        return new Contents(file, format[0], out);
    }

    private static String name(DataFormat f) {
        return f.name().toLowerCase().replace('_', '-');
    }

}
