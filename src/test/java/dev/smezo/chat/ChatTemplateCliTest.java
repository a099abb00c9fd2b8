package dev.smezo.chat;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.cli.CliRunner;
import dev.smezo.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `smezo synth --chat-template` writes a template that libllama loads and ChatTemplate renders; `smezo info` describes it. */
@Tag("native")
class ChatTemplateCliTest {
    @TempDir
    Path dir;

    @Test
    void synthWritesAndInfoDescribes() throws Exception {
        Path out = dir.resolve("llama3-chat.gguf");
        var r = CliRunner.run("synth", "--arch", "llama3", "--layers", "1", "--chat-template", "llama3", "-o", out.toString());
        assertEquals(Main.EXIT_OK, r.exitCode(), r.err());
        var info = CliRunner.run("info", out.toString(), "--no-tensors");
        assertEquals(Main.EXIT_OK, info.exitCode(), info.err());
        assertTrue(info.out().contains("chat template    jinja, " + Templates.embedded("llama3").length() + " chars, libllama detects: llama3"),
                info.out());
        try (ChatTemplate t = ChatTemplate.open(out, null)) {
            assertEquals(Templates.embedded("llama3"), t.source());
            assertEquals("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                    t.render(List.of(Message.user("Hi")), true));
        }
        Path plain = dir.resolve("plain.gguf");
        assertEquals(Main.EXIT_OK, CliRunner.run("synth", "--layers", "1", "-o", plain.toString()).exitCode());
        assertTrue(CliRunner.run("info", plain.toString(), "--no-tensors").out().contains("chat template    none"));
    }

    @Test
    void synthTakesAFileAndRejectsUnknownNames() throws Exception {
        Path f = Files.writeString(dir.resolve("t.jinja"), "{% for m in messages %}{{ m.content }}{% endfor %}");
        Path out = dir.resolve("file.gguf");
        assertEquals(Main.EXIT_OK, CliRunner.run("synth", "--arch", "qwen2", "--layers", "1", "--chat-template", f.toString(),
                "-o", out.toString()).exitCode());
        assertTrue(CliRunner.run("info", out.toString(), "--no-tensors").out()
                .contains("libllama detects: none (only the Jinja renderer can use it)"));
        var bad = CliRunner.run("synth", "--chat-template", "nosuch", "-o", dir.resolve("x.gguf").toString());
        assertEquals(Main.EXIT_BAD_INPUT, bad.exitCode());
        assertTrue(bad.err().contains("--chat-template nosuch: neither a shipped template (chatml, qwen2.5, llama3) nor a file"), bad.err());
    }
}
