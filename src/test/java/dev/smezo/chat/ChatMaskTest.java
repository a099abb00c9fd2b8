package dev.smezo.chat;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.data.DataRecord;
import dev.smezo.data.SequenceEncoder;
import dev.smezo.data.TokenSequence;
import dev.smezo.model.Synth;
import dev.smezo.testing.TestModels;
import dev.smezo.testing.TrainedRuns;
import dev.smezo.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What training sees of a conversation, on synthesized models with a chatml, a Llama-3 and a
 * Jinja-only template: the token ids equal an independent rendering tokenized by libllama
 * (libllama's {@code llama_chat_apply_template} where it knows the template, Python's jinja2
 * otherwise), and the trained tokens are exactly each assistant turn's content and its
 * end-of-turn token.
 */
@Tag("native")
class ChatMaskTest {
    @TempDir
    static Path dir;

    /** No libllama built-in matches it; its generation prompt ends in a newline, so BPE cannot merge across. */
    static final String JINJA_ONLY = """
            {%- for m in messages -%}
            {%- if m.role == 'system' -%}[{{ m.content | trim }}]
            {% elif m.role == 'user' -%}<<USER>> {{ m.content | trim }}
            {% else -%}<<BOT>>
            {{ m.content | trim }}<|im_end|>
            {% endif -%}
            {%- endfor -%}
            {%- if add_generation_prompt -%}<<BOT>>
            {% endif -%}""";

    static final List<Message> CONVERSATION = Conversations.MULTI_TURN;

    static List<String> answers(String endOfTurn) {
        return CONVERSATION.stream().filter(m -> m.role().equals("assistant")).map(m -> m.content().strip() + endOfTurn).toList();
    }

    @ParameterizedTest(name = "{1} on {0}")
    @CsvSource({"qwen2, chatml, <|im_end|>", "llama3, llama3, <|eot_id|>"})
    void builtinTemplatesTokenizeAsLibllamaRendersAndTrainEachAnswerWithItsEnd(String flavor, String template, String end) {
        Path model = TestModels.withChatTemplate(dir, Synth.Flavor.named(flavor), Templates.embedded(template));
        try (ChatTemplate t = ChatTemplate.open(model, null)) {
            Tokenizer tok = t.tokenizer();
            TokenSequence s = new SequenceEncoder(tok, t::render, false, 4096).encode(new DataRecord.Chat("c.jsonl", 1, CONVERSATION));
            assertArrayEquals(tok.encode(ChatTemplate.applyBuiltin(template, CONVERSATION, false), true, true), s.tokens(),
                    "the ids of libllama's own rendering");
            assertEquals(answers(end), TrainedRuns.of(tok, s));
        }
    }

    @Test
    void aJinjaOnlyTemplateTokenizesAsJinja2RendersAndTrainsEachAnswerWithItsEnd() {
        Jinja2.assumeAvailable();
        assertNull(ChatTemplate.detectBuiltin(JINJA_ONLY), "libllama has no built-in for it");
        Path model = TestModels.withChatTemplate(dir, Synth.Flavor.named("qwen2"), JINJA_ONLY);
        try (ChatTemplate t = ChatTemplate.open(model, null)) {
            Tokenizer tok = t.tokenizer();
            TokenSequence s = new SequenceEncoder(tok, t::render, false, 4096).encode(new DataRecord.Chat("c.jsonl", 1, CONVERSATION));
            String reference = Jinja2.render(JINJA_ONLY, CONVERSATION, false, ChatTemplateVsJinja2Test.variables(t));
            assertTrue(reference.contains("<<BOT>>\nBlue.<|im_end|>"), reference);
            assertArrayEquals(tok.encode(reference, true, true), s.tokens(), "the ids of jinja2's rendering");
            assertEquals(answers("<|im_end|>"), TrainedRuns.of(tok, s));
        }
    }
}
