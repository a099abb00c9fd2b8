package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.GgufValue;
import dev.smezo.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad JSONL data and templates: each is exit 3 with a message naming the file and line (and the
 * template's own error), before any training, and the run directory is never created.
 */
@Tag("native")
@Tag("model")
class ChatBadInputTest {
    @TempDir
    Path dir;

    static final String OK = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello.\"}]}";

    Path model(String template) throws Exception {
        return TestModels.variant(dir, TestModels.stories260K(), "chat-" + Integer.toHexString(template.hashCode()),
                w -> w.put("tokenizer.chat_template", GgufValue.ofString(template)), null);
    }

    static final String TEMPLATE = "{% for m in messages %}{{ m.role + ': ' + m.content + '\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ 'assistant:' }}{% endif %}";

    /** Runs train on {@code data} and checks exit 3, the message's start and that nothing was written. */
    String refused(Path model, Path data, String expectedStart, String... more) {
        Path out = dir.resolve("run");
        String[] args = new String[8 + more.length];
        System.arraycopy(new String[] {"train", model.toString(), "--data", data.toString(), "--steps", "2", "--out", out.toString()}, 0, args, 0, 8);
        System.arraycopy(more, 0, args, 8, more.length);
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("smezo: error: " + expectedStart), r.err());
        assertFalse(Files.exists(out), "nothing written");
        return r.err();
    }

    Path file(String name, String... lines) throws Exception {
        return Files.write(dir.resolve(name), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachBadRecordOrFileIsNamedWithItsLine() throws Exception {
        Path m = model(TEMPLATE);
        refused(m, file("notjson.jsonl", OK, "{\"messages\": [}"), dir.resolve("notjson.jsonl") + ": line 2: not JSON at column 15");
        refused(m, file("noanswer.jsonl", OK, "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"),
                dir.resolve("noanswer.jsonl") + ": line 2: no assistant turn");
        refused(m, file("role.jsonl", "{\"messages\": [{\"role\": \"narrator\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"x\"}]}"),
                dir.resolve("role.jsonl") + ": line 1: field \"messages[0].role\": unknown role \"narrator\"");
        refused(m, Files.write(dir.resolve("empty.jsonl"), new byte[0]), dir.resolve("empty.jsonl") + ": no records");
        Path latin1 = Files.write(dir.resolve("latin1.jsonl"), (OK + "\n{\"text\": \"caf\u00e9\"}\n").getBytes(StandardCharsets.ISO_8859_1));
        String e = refused(m, latin1, latin1 + ": line 2: not JSON at column ");
        assertTrue(e.contains("not UTF-8"), e);
    }

    @Test
    void aTemplateThatFailsToRenderIsNamedWithItsOwnError() throws Exception {
        Path m = model("{% for m in messages %}{% if m.role == 'assistant' and m.content == 'Hello.' %}"
                + "{{ raise_exception('greetings are not allowed') }}{% endif %}{{ m.content }}{% endfor %}");
        Path data = file("greet.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}", OK);
        String e = refused(m, data, data + ": line 2: the chat template failed to render");
        assertTrue(e.contains("greetings are not allowed"), e);

        Path noTemplate = TestModels.stories260K();
        String none = refused(noTemplate, file("chat.jsonl", OK), "");
        assertTrue(none.contains("has no tokenizer.chat_template") && none.contains("--chat-template"), none);
    }

    @Test
    void dataWhoseEveryAnswerIsCutAwayIsRefusedBeforeTraining() throws Exception {
        String longPrompt = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "Once upon a time there was a dog. ".repeat(10)
                + "\"}, {\"role\": \"assistant\", \"content\": \"" + "The dog was happy and ran in the park. ".repeat(4) + "\"}]}";
        Path data = file("long.jsonl", longPrompt, longPrompt);
        String e = refused(model(TEMPLATE), data, data + ": every record's answer was cut away by --max-length 16", "--max-length", "16", "--batch", "1");
        assertTrue(e.contains("2 dropped"), e);
    }
}
