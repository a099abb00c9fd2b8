package dev.smezo.chat;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.model.Synth;
import dev.smezo.testing.TestModels;
import dev.smezo.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped ChatML and Llama-3 templates, rendered by llama.cpp's Jinja engine through ChatTemplate,
 * against libllama's hand-written built-in for the same template (llama_chat_apply_template: no Jinja,
 * an independent implementation): same text and same token ids, for each conversation with and
 * without the generation prompt. Also the prefix property that training's loss masks rely on.
 */
@Tag("native")
class ChatTemplateVsLibllamaTest {
    @TempDir
    static Path dir;

    static Path model(String flavor, String template) {
        return TestModels.withChatTemplate(dir, Synth.Flavor.named(flavor), Templates.embedded(template));
    }

    @ParameterizedTest(name = "{1} template on {0}")
    @CsvSource({"qwen2, chatml", "llama3, llama3"})
    void rendersAsLibllamasBuiltin(String flavor, String template) {
        try (ChatTemplate t = ChatTemplate.open(model(flavor, template), null)) {
            assertEquals(template, ChatTemplate.detectBuiltin(t.source()), "libllama recognizes the template");
            assertEquals("jinja from the GGUF's tokenizer.chat_template", t.description());
            assertNull(t.serverParserError(), "llama-server accepts it");
            Tokenizer tok = t.tokenizer();
            for (List<Message> c : Conversations.ALL) {
                for (boolean gen : new boolean[] {false, true}) {
                    String ours = t.render(c, gen);
                    String libllama = ChatTemplate.applyBuiltin(template, c, gen);
                    assertEquals(libllama, ours, template + " gen=" + gen + " " + c);
                    int[] ids = t.tokens(c, gen);
                    assertArrayEquals(tok.encode(libllama, true, true), ids);
                    if (tok.addsBos()) {
                        // the template's own bos_token text was dropped, so BOS comes once, from the tokenizer
                        assertEquals(tok.bos(), ids[0]);
                        assertEquals(1, Arrays.stream(ids).filter(i -> i == tok.bos()).count(), "one BOS");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{1} template on {0}")
    @CsvSource({"qwen2, chatml", "llama3, llama3"})
    void controlTokensAreSingleTokens(String flavor, String template) {
        String start = template.equals("chatml") ? "<|im_start|>" : "<|start_header_id|>";
        String end = template.equals("chatml") ? "<|im_end|>" : "<|eot_id|>";
        try (ChatTemplate t = ChatTemplate.open(model(flavor, template), null)) {
            Tokenizer tok = t.tokenizer();
            int startId = only(tok.encode(start, false, true)), endId = only(tok.encode(end, false, true));
            int[] ids = t.tokens(Conversations.MULTI_TURN, true);
            assertEquals(Conversations.MULTI_TURN.size() + 1, Arrays.stream(ids).filter(i -> i == startId).count());
            assertEquals(Conversations.MULTI_TURN.size(), Arrays.stream(ids).filter(i -> i == endId).count());
            // without parse_special the same text is plain characters: no control token at all
            String text = t.render(Conversations.MULTI_TURN, true);
            assertTrue(Arrays.stream(tok.encode(text, true, false)).noneMatch(i -> i == startId || i == endId));
        }
    }

    /**
     * What assistant-only loss masks are built on: the prompt for assistant turn i (messages before it,
     * with the generation prompt) is a prefix of the conversation up to and with that turn, which is a
     * prefix of the whole conversation; in text and in token ids (control tokens sit at the cuts).
     */
    @ParameterizedTest(name = "{1} template on {0}")
    @CsvSource({"qwen2, chatml", "llama3, llama3", "qwen2, qwen2.5"})
    void prefixProperty(String flavor, String template) {
        try (ChatTemplate t = ChatTemplate.open(model(flavor, template), null, Map.of())) {
            List<Message> c = Conversations.MULTI_TURN.subList(0, 5);
            String all = t.render(c, false);
            int[] allIds = t.tokens(c, false);
            for (int i = 0; i < c.size(); i++) {
                if (!c.get(i).role().equals("assistant")) continue;
                String prompt = t.render(c.subList(0, i), true), turn = t.render(c.subList(0, i + 1), false);
                assertTrue(turn.startsWith(prompt), "prompt of turn " + i + " is a prefix of it:\n" + prompt + "\n---\n" + turn);
                assertTrue(all.startsWith(turn), "turn " + i + " is a prefix of the conversation");
                assertTrue(turn.length() > prompt.length());
                assertPrefix(t.tokens(c.subList(0, i), true), t.tokens(c.subList(0, i + 1), false));
                assertPrefix(t.tokens(c.subList(0, i + 1), false), allIds);
            }
        }
    }

    private static void assertPrefix(int[] prefix, int[] of) {
        assertTrue(prefix.length <= of.length, "prefix not longer");
        assertArrayEquals(prefix, Arrays.copyOf(of, prefix.length), "token prefix");
    }

    private static int only(int[] ids) {
        assertEquals(1, ids.length, Arrays.toString(ids));
        return ids[0];
    }
}
