package dev.smezo.task;

import dev.smezo.io.TextFile;
import dev.smezo.json.JsonException;
import dev.smezo.json.JsonLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a data file in one of the {@link DataFormat}s into raw {@link Record}s, in file order. Files
 * are strict UTF-8; lines end in LF or CRLF. Blank lines are skipped (and counted). Every error names
 * the file and the 1-based line; JSON Lines are streamed by {@link JsonLines}, whose errors add the
 * column.
 */
final class RecordReaders {
    private RecordReaders() {}

    static List<Record> read(DataFormat format, Path file) {
        List<Record> records = switch (format) {
            case JSONL -> jsonl(file);
            case TSV -> tsv(file, lines(file));
            case MULTIRC -> multirc(file);
        };
        if (records.isEmpty()) throw new TaskDataException(file.toString(), 0, null, "no records (the file is empty)");
        return records;
    }

    private static List<String> lines(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
        String text;
        try {
            text = TextFile.decode(bytes, file.toString());
        } catch (IOException e) {
            throw new TaskDataException(file.toString(), 0, null, e.getMessage().substring(file.toString().length() + 2), e);
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        // Split on LF only (a lone CR is not a line end), so line numbers match `wc -l` and editors.
        String[] raw = text.split("\n", -1);
        List<String> lines = new ArrayList<>(raw.length);
        for (String l : raw) lines.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        return lines;
    }

    private static TaskDataException cannotRead(Path file, IOException e) {
        return new TaskDataException(file.toString(), 0, null, "cannot read the file: " + e, e);
    }

    private interface ObjectHandler {
        void object(int line, Map<String, Object> fields);
    }

    /** Each line of a JSON Lines file, which must be an object; streamed, with the reader's line and column in errors. */
    private static void objects(Path file, ObjectHandler handler) {
        try {
            JsonLines.read(file, (line, v) -> {
                if (!(v instanceof Map<?, ?> m)) throw new TaskDataException(file.toString(), line, null, "expected a JSON object");
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) m;
                handler.object(line, fields);
            });
        } catch (JsonException e) {
            throw new TaskDataException(file.toString(), e.line(), null, "invalid JSON at column " + e.column() + ": " + e.reason(), e);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    private static List<Record> jsonl(Path file) {
        List<Record> out = new ArrayList<>();
        objects(file, (line, fields) -> {
            String id = fields.get("idx") != null ? Record.scalar(fields.get("idx")) : String.valueOf(out.size());
            out.add(new Record(file.toString(), line, id, id, fields));
        });
        return out;
    }

    /** A header row of field names, then one record per row; every row has the header's column count. */
    private static List<Record> tsv(Path file, List<String> lines) {
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) first++;
        if (first == lines.size()) return List.of();
        String[] header = lines.get(first).split("\t", -1);
        List<Record> out = new ArrayList<>(lines.size());
        for (int i = first + 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String[] cols = lines.get(i).split("\t", -1);
            if (cols.length != header.length) {
                throw new TaskDataException(file.toString(), i + 1, null,
                        "expected " + header.length + " tab-separated columns (" + String.join(", ", header) + "), found " + cols.length);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            for (int c = 0; c < cols.length; c++) fields.put(header[c], cols[c]);
            String id = String.valueOf(out.size());
            out.add(new Record(file.toString(), i + 1, id, id, fields));
        }
        return out;
    }

    /**
     * SuperGLUE MultiRC: {@code {"idx", "passage": {"text", "questions": [{"question", "idx",
     * "answers": [{"text", "label", "idx"}]}]}}} per line, one record per answer with fields
     * {@code paragraph, question, answer, label}; id {@code p<P>-q<Q>-a<A>} and group {@code p<P>-q<Q>}
     * from the idx values (ordinals where absent).
     */
    private static List<Record> multirc(Path file) {
        List<Record> out = new ArrayList<>();
        int[] paragraphs = {0};   // a counter the handler can bump
        objects(file, (line, paragraph) -> {
            Record top = new Record(file.toString(), line, "", "", paragraph);
            String p = idx(top.fields(), paragraphs[0]++);
            Map<String, Object> passage = object(top, top.fields(), "passage", "passage");
            String text = string(top, passage, "text", "passage.text");
            List<Object> questions = array(top, passage, "questions", "passage.questions");
            for (int qi = 0; qi < questions.size(); qi++) {
                String qPath = "passage.questions[" + qi + "]";
                Map<String, Object> q = element(top, questions.get(qi), qPath);
                String question = string(top, q, "question", qPath + ".question");
                String group = "p" + p + "-q" + idx(q, qi);
                List<Object> answers = array(top, q, "answers", qPath + ".answers");
                for (int ai = 0; ai < answers.size(); ai++) {
                    String aPath = qPath + ".answers[" + ai + "]";
                    Map<String, Object> a = element(top, answers.get(ai), aPath);
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("paragraph", text);
                    fields.put("question", question);
                    fields.put("answer", string(top, a, "text", aPath + ".text"));
                    if (a.get("label") == null) throw top.error(aPath + ".label", "required field is missing");
                    fields.put("label", a.get("label"));
                    out.add(new Record(file.toString(), line, group + "-a" + idx(a, ai), group, fields));
                }
            }
        });
        return out;
    }

    private static String idx(Map<String, Object> m, int ordinal) {
        return m.get("idx") != null ? Record.scalar(m.get("idx")) : String.valueOf(ordinal);
    }

    private static Map<String, Object> object(Record r, Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) throw r.error(path, "required field is missing");
        return element(r, v, path);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> element(Record r, Object v, String path) {
        if (!(v instanceof Map<?, ?>)) throw r.error(path, "expected a JSON object");
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> array(Record r, Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) throw r.error(path, "required field is missing");
        if (!(v instanceof List<?>)) throw r.error(path, "expected a JSON array");
        return (List<Object>) v;
    }

    private static String string(Record r, Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) throw r.error(path, "required field is missing");
        if (!(v instanceof String s)) throw r.error(path, "expected a string");
        return s;
    }
}
