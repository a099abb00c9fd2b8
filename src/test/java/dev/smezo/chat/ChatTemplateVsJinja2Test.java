package dev.smezo.chat;

import static dev.smezo.chat.Message.assistant;
import static dev.smezo.chat.Message.system;
import static dev.smezo.chat.Message.user;
import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.model.Synth;
import dev.smezo.testing.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Templates only a Jinja engine renders (libllama's heuristic knows none of them, or renders them
 * differently), through llama.cpp's engine, against Python's jinja2 configured as Hugging Face
 * transformers renders chat templates. Skipped where python3 with jinja2 is missing.
 */
@Tag("native")
class ChatTemplateVsJinja2Test {
    @TempDir
    static Path dir;

    @BeforeAll
    static void reference() {
        Jinja2.assumeAvailable();
    }

    static String resource(String name) {
        try (InputStream in = ChatTemplateVsJinja2Test.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The variables llama.cpp gives every template that a conversation's rendering can depend on. */
    static Map<String, Object> variables(ChatTemplate t) {
        Map<String, Object> v = new HashMap<>();
        v.put("bos_token", t.tokenizer().piece(t.tokenizer().bos()));
        v.put("eos_token", t.tokenizer().piece(t.tokenizer().eos()));
        v.put("enable_thinking", t.thinking());
        return v;
    }

    /** Every conversation, with and without the generation prompt, as jinja2 renders it (its leading BOS text dropped where the vocabulary adds BOS). */
    static void assertRendersAsJinja2(ChatTemplate t, String template, List<List<Message>> conversations) {
        String bos = t.tokenizer().piece(t.tokenizer().bos());
        for (List<Message> c : conversations) {
            for (boolean gen : new boolean[] {false, true}) {
                String expected = Jinja2.render(template, c, gen, variables(t));
                if (t.tokenizer().addsBos() && expected.startsWith(bos)) expected = expected.substring(bos.length());
                assertEquals(expected, t.render(c, gen), "gen=" + gen + " " + c);
            }
        }
    }

    static Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"llama3", "qwen2"})
    void customHeadersTemplate(String flavor) throws IOException {
        String template = resource("headers.jinja");
        assertNull(ChatTemplate.detectBuiltin(template), "no libllama built-in for it");
        assertNull(ChatTemplate.applyBuiltin(template, Conversations.SINGLE, true), "llama_chat_apply_template fails (-1)");
        Path gguf = TestModels.withChatTemplate(dir, Synth.Flavor.named(flavor), template);
        try (ChatTemplate t = ChatTemplate.open(gguf, null)) {
            List<List<Message>> cs = new ArrayList<>(Conversations.ALL);
            cs.add(List.of(system(" short "), system("and more"), user(" x "), assistant(" y ")));
            assertRendersAsJinja2(t, template, cs);
            assertTrue(t.render(Conversations.WITH_SYSTEM, false).endsWith("Paris." + t.tokenizer().piece(t.tokenizer().eos()) + "\n\n"));
        }
    }

    /** Qwen2.5's default system prompt: present without a system message, replaced by one. */
    @Test
    void qwen25DefaultSystemPrompt() {
        String template = Templates.embedded("qwen2.5");
        try (ChatTemplate t = ChatTemplate.open(TestModels.withChatTemplate(dir, Synth.Flavor.QWEN2, template), null)) {
            assertRendersAsJinja2(t, template, Conversations.ALL);
            assertTrue(t.render(Conversations.SINGLE, true).startsWith("<|im_start|>system\nYou are Qwen"));
            // libllama's chatml built-in writes no default system prompt: the heuristic would train on other text
            assertNotEquals(ChatTemplate.applyBuiltin("chatml", Conversations.SINGLE, true), t.render(Conversations.SINGLE, true));
        }
    }

    /** Qwen3's reasoning split ({@code .split('</think>')[-1]}, {@code .lstrip('\n')}), thinking on and off. */
    @Test
    void qwen3Thinking() throws IOException {
        String template = resource("qwen3.jinja");
        Path gguf = TestModels.withChatTemplate(dir, Synth.Flavor.QWEN3, template);
        List<List<Message>> cs = new ArrayList<>(Conversations.ALL);
        cs.add(List.of(user("2+2?"), assistant("<think>\nadd them\n</think>\n\n4"), user("and 3+3?"),
                assistant("<think>\n\nsix\n\n</think>\n\n\n6")));
        try (ChatTemplate t = ChatTemplate.open(gguf, null)) {
            assertTrue(t.thinking(), "common finds the template supports thinking, so the server renders with it on");
            assertRendersAsJinja2(t, template, cs);
        }
        try (ChatTemplate t = ChatTemplate.open(gguf, null, Map.of("enable_thinking", false))) {
            assertFalse(t.thinking());
            assertRendersAsJinja2(t, template, cs);
            assertTrue(t.render(Conversations.SINGLE, true).endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n"));
        }
    }

    /**
     * A template common routes to a hand-written handler (gpt-oss's: <|start|>, <|channel|>) gets that
     * handler's changes, as llama-server sends them: without a generation prompt the final
     * <|return|> becomes <|end|> (common/parsers/gpt-oss.cpp:21-30); otherwise it is jinja2's text.
     */
    @Test
    void specializedHandlerAltersThePromptAsTheServerDoes() throws IOException {
        String template = resource("channels.jinja");
        try (ChatTemplate t = ChatTemplate.open(TestModels.withChatTemplate(dir, Synth.Flavor.QWEN2, null), file("channels.jinja", template).toString())) {
            List<Message> c = Conversations.WITH_SYSTEM;
            String reference = Jinja2.render(template, c, false, variables(t));
            assertTrue(reference.endsWith("Paris.<|return|>"), reference);
            assertEquals(reference.substring(0, reference.length() - "<|return|>".length()) + "<|end|>", t.render(c, false));
            assertEquals(Jinja2.render(template, c, true, variables(t)), t.render(c, true));
        }
    }

    /** A template given as a FILE overrides the GGUF's, on a model that has none. */
    @Test
    void fileOverride() throws IOException {
        String template = resource("headers.jinja");
        Path f = file("headers.jinja", template);
        try (ChatTemplate t = ChatTemplate.open(TestModels.withChatTemplate(dir, Synth.Flavor.LLAMA3, null), f.toString())) {
            assertEquals("jinja from " + f, t.description());
            assertRendersAsJinja2(t, template, List.of(Conversations.MULTI_TURN));
        }
    }
}
