package dev.smezo.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User task files and the readers' error reporting, on small files made here. */
class TaskFilesTest {
    @TempDir
    Path dir;

    private static final String GOOD = """
            {"text": "a fine day", "label": "pos", "idx": 10}
            {"text": "a gray day", "label": "neg", "idx": 11}
            {"text": "sun", "label": "pos", "idx": 12}
            """;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private Task userTask(String trainFile, String valFile) throws IOException {
        return Tasks.fromFile(write("task.json", """
                {"name": "mood", "template": "Review: {text}\\nMood:", "label_words": {"neg": " bad", "pos": " good"},
                 "train": "%s", "validation": "%s"}
                """.formatted(trainFile, valFile)));
    }

    private TaskDataException loadError(String data) throws IOException {
        write("data/bad.jsonl", data);
        Task t = userTask("data/bad.jsonl", "data/bad.jsonl");
        return assertThrows(TaskDataException.class, () -> t.load(Split.TRAIN, null));
    }

    @Test
    void userTaskRendersWithPathsRelativeToTheTaskFile() throws IOException {
        write("data/train.jsonl", GOOD);
        write("data/val.jsonl", GOOD);
        Task t = userTask("data/train.jsonl", "data/val.jsonl");
        assertEquals("mood", t.name());
        assertEquals(LossKind.CLASSIFICATION, t.loss());
        assertEquals(List.of(Metric.ACCURACY), t.metrics());
        assertEquals(Defaults.PROTOCOL, t.defaults());
        // The data directory given at load time does not matter for a user task.
        List<Example> ex = t.load(Split.TRAIN, Path.of("/nonexistent"));
        assertEquals(3, ex.size());
        assertEquals(new Example("10", "Review: a fine day\nMood:", List.of(" bad", " good"), 1, "10"), ex.get(0));
        assertEquals(0, ex.get(1).label());
        // byName accepts a path.
        assertEquals(t, Tasks.byName(dir.resolve("task.json").toString()));
        assertTrue(t.describe().contains("\"Review: {text}\\nMood:\""), t.describe());
    }

    @Test
    void brokenLineThreeIsReportedWithFileAndLine() throws IOException {
        TaskDataException e = loadError("""
                {"text": "a", "label": "pos"}
                {"text": "b", "label": "neg"}
                {"text": "c", "label": 
                {"text": "d", "label": "neg"}
                """);
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains(dir.resolve("data/bad.jsonl").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("invalid JSON at column"), e.getMessage());
    }

    @Test
    void blankLinesAreSkippedButCounted() throws IOException {
        TaskDataException e = loadError("{\"text\": \"a\", \"label\": \"pos\"}\n\n{oops}\n");
        assertEquals(3, e.line());
    }

    @Test
    void missingFieldNamesTheField() throws IOException {
        TaskDataException e = loadError("""
                {"text": "a", "label": "pos"}
                {"txt": "b", "label": "neg"}
                """);
        assertEquals(2, e.line());
        assertEquals("text", e.field());
        assertTrue(e.getMessage().contains("line 2: field \"text\": required field is missing"), e.getMessage());
    }

    @Test
    void nullFieldIsAnError() throws IOException {
        TaskDataException e = loadError("{\"text\": null, \"label\": \"pos\"}\n");
        assertTrue(e.getMessage().contains("field \"text\": required field is null"), e.getMessage());
    }

    @Test
    void unknownLabelNamesLineFieldAndValue() throws IOException {
        TaskDataException e = loadError("""
                {"text": "a", "label": "pos"}
                {"text": "b", "label": "neg"}
                {"text": "c", "label": "pos"}
                {"text": "d", "label": "maybe"}
                """);
        assertEquals(4, e.line());
        assertEquals("label", e.field());
        assertTrue(e.getMessage().contains("unknown label \"maybe\" (expected one of \"neg\", \"pos\")"), e.getMessage());
    }

    @Test
    void missingLabelFieldAndNonObjectLines() throws IOException {
        TaskDataException e = loadError("{\"text\": \"a\"}\n");
        assertEquals("label", e.field());
        TaskDataException arr = loadError("{\"text\": \"a\", \"label\": \"pos\"}\n[1, 2]\n");
        assertEquals(2, arr.line());
        assertTrue(arr.getMessage().contains("expected a JSON object"), arr.getMessage());
        TaskDataException nested = loadError("{\"text\": {\"a\": 1}, \"label\": \"pos\"}\n");
        assertTrue(nested.getMessage().contains("expected text, found a JSON object"), nested.getMessage());
    }

    @Test
    void emptyFileIsAClearError() throws IOException {
        TaskDataException e = loadError("");
        assertTrue(e.getMessage().contains("no records (the file is empty)"), e.getMessage());
        assertTrue(e.getMessage().contains("bad.jsonl"), e.getMessage());
        TaskDataException blank = loadError("\n  \n");
        assertTrue(blank.getMessage().contains("empty"), blank.getMessage());
    }

    @Test
    void missingFileAndBadUtf8() throws IOException {
        Task t = userTask("data/none.jsonl", "data/none.jsonl");
        TaskDataException e = assertThrows(TaskDataException.class, () -> t.load(Split.VALIDATION, null));
        assertTrue(e.getMessage().contains("none.jsonl") && e.getMessage().contains("cannot read"), e.getMessage());
        Path p = dir.resolve("data/latin1.jsonl");
        Files.createDirectories(p.getParent());
        Files.write(p, "{\"text\": \"caf\u00e9\", \"label\": \"pos\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        Task l = userTask("data/latin1.jsonl", "data/latin1.jsonl");
        TaskDataException u = assertThrows(TaskDataException.class, () -> l.load(Split.TRAIN, null));
        assertEquals(1, u.line());
        assertTrue(u.getMessage().contains("line 1: invalid JSON at column 14: not UTF-8 text (byte 0xE9 at byte offset 13)"), u.getMessage());
    }

    @Test
    void crlfLineEndingsAreAccepted() throws IOException {
        write("data/crlf.jsonl", GOOD.replace("\n", "\r\n"));
        List<Example> ex = userTask("data/crlf.jsonl", "data/crlf.jsonl").load(Split.TRAIN, null);
        assertEquals(3, ex.size());
        assertEquals("Review: sun\nMood:", ex.get(2).prompt());
    }

    @Test
    void tsvRowsNeedTheHeadersColumnCount() throws IOException {
        write("t/train.tsv", "sentence\tlabel\nfine \t1\nno tab here\n");
        write("t/dev.tsv", "sentence\tlabel\n");
        Task t = Tasks.fromFile(write("t/task.json", """
                {"name": "t", "template": "{sentence} It was", "transforms": {"sentence": ["strip"]},
                 "label_words": {"0": " terrible", "1": " great"}, "train": "train.tsv", "validation": "dev.tsv"}
                """));
        TaskDataException e = assertThrows(TaskDataException.class, () -> t.load(Split.TRAIN, null));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("expected 2 tab-separated columns (sentence, label), found 1"), e.getMessage());
        TaskDataException empty = assertThrows(TaskDataException.class, () -> t.load(Split.VALIDATION, null));
        assertTrue(empty.getMessage().contains("no records"), empty.getMessage());
        write("t/train.tsv", "sentence\tlabel\nfine \t1\nbad\t2\n");
        TaskDataException label = assertThrows(TaskDataException.class, () -> t.load(Split.TRAIN, null));
        assertEquals(3, label.line());
        assertTrue(label.getMessage().contains("unknown label \"2\""), label.getMessage());
    }

    @Test
    void multircErrorsNameTheNestedField() throws IOException {
        String good = "{\"idx\": 7, \"passage\": {\"text\": \"P.\", \"questions\": [{\"idx\": 3, \"question\": \"Q?\", "
                + "\"answers\": [{\"idx\": 0, \"text\": \"A\", \"label\": 1}, {\"idx\": 1, \"text\": \"B\", \"label\": 0}]}]}}";
        String bad = good.replace(", \"label\": 0}", "}");
        write("m/train.jsonl", good + "\n" + bad + "\n");
        write("m/val.jsonl", good + "\n");
        Task t = Tasks.fromFile(write("m/task.json", """
                {"name": "m", "format": "multirc", "template": "{paragraph}|{question}|{answer}",
                 "label_words": {"0": "No", "1": "Yes"}, "metric": "f1", "positive_label": 1,
                 "train": "train.jsonl", "validation": "val.jsonl"}
                """));
        List<Example> val = t.load(Split.VALIDATION, null);
        assertEquals(List.of("P.|Q?|A", "P.|Q?|B"), val.stream().map(Example::prompt).toList());
        assertEquals(List.of("p7-q3-a0", "p7-q3-a1"), val.stream().map(Example::id).toList());
        assertEquals(List.of("p7-q3", "p7-q3"), val.stream().map(Example::group).toList());
        assertEquals(1, t.positiveLabel());
        assertEquals(List.of(Metric.ACCURACY, Metric.F1), t.metrics());
        TaskDataException e = assertThrows(TaskDataException.class, () -> t.load(Split.TRAIN, null));
        assertEquals(2, e.line());
        assertEquals("passage.questions[0].answers[1].label", e.field());
    }

    @Test
    void plainCandidateListTakesAnIndexOrTheText() throws IOException {
        write("c/d.jsonl", """
                {"q": "one", "label": 0}
                {"q": "two", "label": "B"}
                {"q": "three", "label": 2}
                """);
        Task t = Tasks.fromFile(write("c/task.json", """
                {"name": "c", "template": "{q}:", "candidates": [" A", "B"], "validation": "d.jsonl"}
                """));
        TaskDataException e = assertThrows(TaskDataException.class, () -> t.load(Split.VALIDATION, null));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("unknown label 2"), e.getMessage());
        write("c/d.jsonl", "{\"q\": \"one\", \"label\": 0}\n{\"q\": \"two\", \"label\": \"B\"}\n");
        List<Example> ex = t.load(Split.VALIDATION, null);
        assertEquals(0, ex.get(0).label());
        assertEquals(1, ex.get(1).label());
        assertEquals("0", ex.get(0).id()); // no idx field: the record's ordinal
        assertEquals("1", ex.get(1).id());
        assertTrue(!t.has(Split.TRAIN));
    }

    @Test
    void perExampleCandidatesFromAnArrayField() throws IOException {
        write("p/d.jsonl", """
                {"stem": "Sky is", "choices": ["Blue.", "Green.", "I think red."], "answer": 0}
                {"stem": "Grass is", "choices": ["Blue.", "Green."], "answer": 1}
                """);
        Task t = Tasks.fromFile(write("p/task.json", """
                {"name": "p", "template": "{stem} ", "candidates_field": "choices", "label_field": "answer",
                 "candidate_transforms": ["lower_first_unless_i"], "validation": "d.jsonl"}
                """));
        assertEquals(LossKind.MULTIPLE_CHOICE, t.loss());
        List<Example> ex = t.load(Split.VALIDATION, null);
        assertEquals(List.of("blue.", "green.", "I think red."), ex.get(0).candidates());
        assertEquals("green.", ex.get(1).answer());
        write("p/d.jsonl", "{\"stem\": \"x\", \"choices\": [], \"answer\": 0}\n");
        TaskDataException e = assertThrows(TaskDataException.class, () -> t.load(Split.VALIDATION, null));
        assertEquals("choices", e.field());
    }

    @Test
    void derivedFieldRejectsUnknownValues() throws IOException {
        write("d/d.jsonl", """
                {"premise": "It rained.", "choice1": "The grass got wet.", "choice2": "I ate.", "question": "effect", "label": 0}
                {"premise": "It rained.", "choice1": "A.", "choice2": "B.", "question": "why", "label": 0}
                """);
        String copa = new String(Tasks.class.getResourceAsStream("/dev/smezo/task/copa.json").readAllBytes(), StandardCharsets.UTF_8)
                .replace("\"dir\": \"COPA\",", "").replace("\"train.jsonl\"", "\"d.jsonl\"").replace("\"val.jsonl\"", "\"d.jsonl\"");
        Task t = Tasks.fromFile(write("d/task.json", copa));
        TaskDataException e = assertThrows(TaskDataException.class, () -> t.load(Split.TRAIN, null));
        assertEquals(2, e.line());
        assertEquals("question", e.field());
        assertTrue(e.getMessage().contains("unknown value \"why\""), e.getMessage());
    }

    @Test
    void malformedTaskFiles() throws IOException {
        String base = "\"name\": \"x\", \"template\": \"{a}\", \"validation\": \"v.jsonl\"";
        assertTaskError("{" + base + ", \"label_words\": {\"0\": \"A\", \"1\": \"B\"}, \"tempalte\": 1}", "tempalte", "unknown key");
        assertTaskError("{\"name\": \"x\", \"validation\": \"v.jsonl\", \"candidates\": [\"A\", \"B\"]}", "template", "required");
        assertTaskError("{" + base.replace("{a}", "{a") + ", \"candidates\": [\"A\", \"B\"]}", null, "unclosed '{'");
        assertTaskError("{" + base + "}", null, "exactly one of");
        assertTaskError("{" + base + ", \"candidates\": [\"A\"], \"candidate_fields\": [\"a\"]}", null, "exactly one of");
        assertTaskError("{" + base + ", \"candidates\": [\"A\", \"B\"], \"transforms\": {\"a\": [\"shout\"]}}", null, "unknown transform \"shout\"");
        assertTaskError("{" + base + ", \"candidates\": [\"A\", \"B\"], \"metric\": \"f1\"}", null, "needs a positive label");
        assertTaskError("{" + base + ", \"candidates\": [\"A\", \"B\"], \"loss\": \"hinge\"}", null, "unknown loss");
        assertTaskError("{" + base + ", \"candidates\": [\"A\", \"B\"], \"format\": \"xml\"}", null, "unknown format");
        assertTaskError("{" + base + ", \"candidates\": [\"A\", \"B\"], \"defaults\": {\"train\": -1}}", "defaults.train", "non-negative");
        assertTaskError("{" + base + ", \"candidates\": [\"A\", \"B\"], \"positive_label\": \"C\"}", "positive_label", "not one of");
        assertTaskError("{" + base + ", \"candidates\": [\"A\"]}", null, "at least two candidates");
        assertTaskError("[1]", null, "one JSON object");
        TaskDataException json = assertTaskError("{\n  \"name\": \"x\",\n  \"template\": oops\n}", null, "invalid JSON");
        assertEquals(3, json.line());
        assertTrue(json.getMessage().contains("column 15"), json.getMessage());
    }

    private TaskDataException assertTaskError(String json, String field, String fragment) throws IOException {
        Path p = write("bad-task.json", json);
        TaskDataException e = assertThrows(TaskDataException.class, () -> Tasks.fromFile(p), json);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        if (field != null) assertEquals(field, e.field(), e.getMessage());
        return e;
    }

    @Test
    void unknownTaskNameListsTheBuiltIns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tasks.byName("sst-3"));
        assertTrue(e.getMessage().contains("sst2, rte, boolq, wic, multirc, copa, tinystories-sentiment"), e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> Tasks.byName(dir.resolve("nope.json").toString()));
        assertTrue(f.getMessage().contains("no such file " + dir.resolve("nope.json")), f.getMessage());
    }
}
