package dev.smezo.chat;

import static dev.smezo.chat.Message.assistant;
import static dev.smezo.chat.Message.system;
import static dev.smezo.chat.Message.user;
import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.model.Synth;
import dev.smezo.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user gets for a bad template, a bad conversation or a missing template: the reason, and no crash. */
@Tag("native")
class ChatTemplateErrorsTest {
    @TempDir
    static Path dir;

    static Path noTemplate() {
        return TestModels.withChatTemplate(dir, Synth.Flavor.QWEN2, null);
    }

    static ChatTemplate withTemplate(String name, String jinja) throws IOException {
        Path f = Files.writeString(dir.resolve(name), jinja);
        return ChatTemplate.open(noTemplate(), f.toString());
    }

    @Test
    void syntaxErrorAtOpenWithTheEnginesMessage() {
        var e = assertThrows(ChatTemplateException.class, () -> withTemplate("bad.jinja",
                "{% for m in messages %}{{ m.content }}{% endfor"));
        // the lexer's or parser's own message with the source excerpt, not common's rethrown "std::exception"
        assertTrue(e.getMessage().startsWith("chat template (jinja from " + dir.resolve("bad.jinja") + "): parser: Parser Error: "
                + "Expected %}"), e.getMessage());
        assertTrue(e.getMessage().contains("{% for m in messages %}{{ m.content }}"), e.getMessage());
        var unclosed = assertThrows(ChatTemplateException.class, () -> withTemplate("unclosed.jinja",
                "{% for m in messages %}{{ m.content }}"));
        assertFalse(unclosed.getMessage().contains("std::exception"), unclosed.getMessage());
    }

    @Test
    void raiseExceptionTextAtRender() throws IOException {
        try (ChatTemplate t = withTemplate("raise.jinja", """
                {%- for m in messages %}{% if loop.first and m.role != 'user' %}\
                {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}\
                {% endif %}{{ m.role }}: {{ m.content }}
                {% endfor %}""")) {
            assertEquals("user: hi\n", t.render(List.of(user("hi")), false));
            var e = assertThrows(ChatTemplateException.class, () -> t.render(List.of(assistant("hi")), false));
            assertTrue(e.getMessage().contains("Conversation roles must alternate user/assistant/user/assistant/..."), e.getMessage());
        }
    }

    @Test
    void evaluationErrorAtRender() throws IOException {
        try (ChatTemplate t = withTemplate("eval.jinja", "{{ messages[0].content.no_such_method() }}")) {
            var e = assertThrows(ChatTemplateException.class, () -> t.render(List.of(user("hi")), false));
            assertTrue(e.getMessage().contains("Callee is not a function") && e.getMessage().contains("no_such_method"), e.getMessage());
        }
    }

    /**
     * A template common cannot build llama-server's reply parser for (its analysis renders made-up
     * conversations, which this one rejects): the server would refuse to start with it; smezo still
     * renders real conversations, as the server's renderer would.
     */
    @Test
    void templateTheServerRefusesStillRenders() throws IOException {
        try (ChatTemplate t = withTemplate("strict.jinja", """
                {%- if messages[0].role != 'system' %}{{ raise_exception('a system message comes first') }}{% endif %}
                {%- for m in messages %}[{{ m.role }}] {{ m.content }}
                {% endfor %}""")) {
            assertTrue(t.serverParserError().startsWith("Unable to generate parser for this template"), t.serverParserError());
            assertEquals("[system] s\n[user] u\n", t.render(List.of(system("s"), user("u")), true));
        }
    }

    @Test
    void noTemplateInTheModel() {
        Path gguf = noTemplate();
        var e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.open(gguf, null));
        assertEquals(gguf + " has no tokenizer.chat_template; give one with --chat-template NAME|FILE (a llama.cpp "
                + "built-in name such as chatml, llama3, gemma, phi3, or a Jinja file)", e.getMessage());
    }

    @Test
    void unknownBuiltinListsThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.open(noTemplate(), "chatml3"));
        assertTrue(e.getMessage().startsWith("--chat-template chatml3: no such file, and not a llama.cpp built-in ("), e.getMessage());
        for (String n : List.of("chatml", "llama3", "gemma", "phi3", "mistral-v7")) assertTrue(e.getMessage().contains(n), n);
    }

    /** A NAME renders through libllama's formatter, as llama-server --no-jinja --chat-template NAME. */
    @Test
    void builtinNameOverride() {
        for (String name : List.of("chatml", "llama3", "gemma", "phi3")) {
            try (ChatTemplate t = ChatTemplate.open(noTemplate(), name)) {
                assertEquals("libllama built-in " + name, t.description());
                for (List<Message> c : Conversations.ALL) {
                    assertEquals(ChatTemplate.applyBuiltin(name, c, true), t.render(c, true), name);
                }
            }
        }
    }

    @Test
    void unknownRole() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Message("tool", "x"));
        assertTrue(e.getMessage().contains("\"tool\""), e.getMessage());
    }
}
