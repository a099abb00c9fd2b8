package dev.smezo.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.chat.Message;
import dev.smezo.task.TaskDataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each JSONL format read into records, and each kind of bad file refused naming file, line and field. */
class DataFilesTest {
    @TempDir
    Path dir;

    Path file(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    @Test
    void messagesRecordsKeepTheirTurnsAndLines() throws Exception {
        Path p = file("chat.jsonl",
                "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi\"},"
                        + " {\"role\": \"assistant\", \"content\": \"Hello.\"}]}",
                "",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"2+2?\"}, {\"role\": \"assistant\", \"content\": \"4\"}]}");
        DataFiles.Contents c = DataFiles.read(p);
        assertEquals(DataFormat.MESSAGES, c.format());
        assertEquals(2, c.records().size());
        DataRecord.Chat first = (DataRecord.Chat) c.records().get(0);
        assertEquals(List.of(new Message("system", "Be brief."), new Message("user", "Hi"), new Message("assistant", "Hello.")),
                first.messages());
        assertEquals(1, first.line());
        assertEquals(3, c.records().get(1).line(), "blank lines count");
        assertEquals(p + ":3", c.records().get(1).where());
    }

    @Test
    void shareGptAlpacaAndPromptCompletionMapOntoMessagesOrText() throws Exception {
        DataRecord.Chat sg = (DataRecord.Chat) DataFiles.read(file("sg.jsonl",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"Q\"}, {\"from\": \"gpt\", \"value\": \"A\"}]}")).records().get(0);
        assertEquals(List.of(new Message("user", "Q"), new Message("assistant", "A")), sg.messages());

        DataRecord.Chat al = (DataRecord.Chat) DataFiles.read(file("al.jsonl",
                "{\"instruction\": \"Add\", \"input\": \"2 and 3\", \"output\": \"5\"}")).records().get(0);
        assertEquals(List.of(new Message("user", "Add\n2 and 3"), new Message("assistant", "5")), al.messages());

        DataRecord.Text pc = (DataRecord.Text) DataFiles.read(file("pc.jsonl",
                "{\"prompt\": \"The sky is\", \"completion\": \" blue.\"}")).records().get(0);
        assertEquals("The sky is", pc.prompt());
        assertEquals(" blue.", pc.completion());

        DataRecord.Chat pcc = (DataRecord.Chat) DataFiles.read(file("pcc.jsonl",
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"Q\"}], \"completion\": [{\"role\": \"assistant\", \"content\": \"A\"}]}"))
                .records().get(0);
        assertEquals(List.of(new Message("user", "Q"), new Message("assistant", "A")), pcc.messages());

        DataRecord.Text t = (DataRecord.Text) DataFiles.read(file("t.jsonl", "{\"text\": \"Once upon a time\"}")).records().get(0);
        assertEquals("", t.prompt());
        assertEquals("Once upon a time", t.completion());
    }

    /** The message of the error reading {@code lines}, checked to name the file and {@code line}. */
    String error(int line, String... lines) throws IOException {
        Path p = file("bad.jsonl", lines);
        TaskDataException e = assertThrows(TaskDataException.class, () -> DataFiles.read(p));
        assertEquals(p.toString(), e.source());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(p + (line > 0 ? ": line " + line : "")), e.getMessage());
        return e.getMessage();
    }

    @Test
    void badRecordsAreNamedByFileLineAndField() throws Exception {
        String ok = "{\"messages\": [{\"role\": \"user\", \"content\": \"Q\"}, {\"role\": \"assistant\", \"content\": \"A\"}]}";
        assertTrue(error(2, ok, "{\"messages\": [oops]}").contains("not JSON at column 15"), "column of the bad character");
        assertTrue(error(2, ok, "[1, 2]").contains("not a JSON object"));
        assertTrue(error(1, "{\"messages\": [{\"role\": \"user\", \"content\": \"Q\"}]}").contains("no assistant turn"));
        String role = error(1, "{\"messages\": [{\"role\": \"robot\", \"content\": \"Q\"}, {\"role\": \"assistant\", \"content\": \"A\"}]}");
        assertTrue(role.contains("field \"messages[0].role\"") && role.contains("unknown role \"robot\""), role);
        assertTrue(error(1, "{\"messages\": [{\"role\": \"user\", \"content\": 3}]}").contains("messages[0].content"));
        assertTrue(error(2, ok, "{\"text\": \"x\"}").contains("a text record in a messages file (line 1 set the format)"));
        assertTrue(error(1, "{\"question\": \"x\"}").contains("not a known record format"));
        assertTrue(error(1, "{\"prompt\": \"x\", \"completion\": 5}").contains("field \"completion\""));
        assertTrue(error(0, "", "  ").contains("no records"));
    }

    @Test
    void emptyAndNonUtf8FilesAreRefused() throws Exception {
        Path empty = dir.resolve("empty.jsonl");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(TaskDataException.class, () -> DataFiles.read(empty)).getMessage().contains("no records"));

        Path latin1 = dir.resolve("latin1.jsonl");
        Files.write(latin1, "{\"text\": \"ok\"}\n{\"text\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        TaskDataException e = assertThrows(TaskDataException.class, () -> DataFiles.read(latin1));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith(latin1 + ": line 2: not JSON at column ") && e.getMessage().contains("not UTF-8"),
                e.getMessage());

        assertTrue(assertThrows(IOException.class, () -> DataFiles.read(dir.resolve("missing.jsonl"))).getMessage().contains("no such file"));
    }
}
