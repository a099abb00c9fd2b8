package dev.smezo.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.chat.Message;
import dev.smezo.task.TaskDataException;
import dev.smezo.testing.TestModels;
import dev.smezo.testing.TrainedRuns;
import dev.smezo.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Masks and cuts on stories260K's real tokenizer (SentencePiece, {@code </s>} as EOS) with a small
 * template written here: the trained tokens are exactly each answer and its end token, whatever the
 * tokenizer does at the boundaries.
 */
@Tag("native")
class SequenceEncoderTest {
    static Tokenizer tok;

    /** "User: ...\nBot: ...</s>\n" per turn; the generation prompt is "Bot:". */
    static final SequenceEncoder.Renderer TEMPLATE = (messages, gen) -> {
        StringBuilder sb = new StringBuilder();
        for (Message m : messages) {
            switch (m.role()) {
                case "system" -> sb.append(m.content()).append("\n\n");
                case "user" -> sb.append("User: ").append(m.content()).append("\n");
                default -> sb.append("Bot: ").append(m.content()).append("</s>\n");
            }
        }
        if (gen) sb.append("Bot: ");
        return sb.toString();
    };

    @BeforeAll
    static void load() {
        tok = Tokenizer.load(TestModels.stories260K());
    }

    @AfterAll
    static void close() {
        if (tok != null) tok.close();
    }

    static DataRecord.Chat chat(String... turns) {
        List<Message> m = new ArrayList<>();
        for (int i = 0; i < turns.length; i++) m.add(new Message(i % 2 == 0 ? "user" : "assistant", turns[i]));
        return new DataRecord.Chat("test.jsonl", 7, m);
    }

    @Test
    void theWholeConversationIsTokenizedOnceAndEachAnswerWithItsEndTokenIsTrained() {
        DataRecord.Chat c = chat("Where did Lily go?", "Lily went to the park.", "Who did she see?", "She saw a big dog.");
        TokenSequence s = new SequenceEncoder(tok, TEMPLATE, false, 256).encode(c);
        assertArrayEquals(tok.encode(TEMPLATE.render(c.messages(), false), true, true), s.tokens(),
                "the tokens are the rendered conversation's, tokenized as llama-server does");
        // SentencePiece gives the space after "Bot:" to the answer's first token: it is trained too
        assertEquals(List.of(" Lily went to the park.</s>", " She saw a big dog.</s>"), TrainedRuns.of(tok, s));
        assertEquals(tok.eos(), s.tokens()[lastTarget(s)], "the end-of-turn token is the last trained one");
        assertFalse(s.target()[s.length() - 1], "the newline after </s> is not trained");
        assertEquals("test.jsonl:7", s.where());
    }

    static int lastTarget(TokenSequence s) {
        int last = -1;
        for (int i = 0; i < s.length(); i++) if (s.target()[i]) last = i;
        return last;
    }

    @Test
    void trainOnPromptTrainsEveryTokenButTheFirst() {
        TokenSequence s = new SequenceEncoder(tok, TEMPLATE, true, 256).encode(chat("Hi", "Hello."));
        assertFalse(s.target()[0]);
        for (int i = 1; i < s.length(); i++) assertTrue(s.target()[i]);
    }

    @Test
    void textTrainsTheCompletionAndAnAppendedEos() {
        SequenceEncoder enc = new SequenceEncoder(tok, null, false, 256);
        TokenSequence pc = enc.encode(new DataRecord.Text("t.jsonl", 1, "The cat sat on the", " mat."));
        assertEquals(List.of(" mat.</s>"), TrainedRuns.of(tok, pc));
        TokenSequence text = enc.encode(new DataRecord.Text("t.jsonl", 2, "", "Once upon a time."));
        assertEquals(tok.bos(), text.tokens()[0]);
        assertEquals(List.of(" Once upon a time.</s>"), TrainedRuns.of(tok, text), "every token after BOS (with SentencePiece's space)");
    }

    @Test
    void longConversationsLoseThePromptFromTheLeftNeverPartOfAnAnswer() {
        String longQuestion = "Tell me about the little dog who ran in the big green park with the red ball. ".repeat(6);
        DataRecord.Chat c = chat(longQuestion, "The dog was happy.");
        int full = new SequenceEncoder(tok, TEMPLATE, false, 4096).encode(c).length();
        TokenSequence cut = new SequenceEncoder(tok, TEMPLATE, false, 40).encode(c);
        assertEquals(40, cut.length());
        assertEquals(full - 40, cut.cut());
        assertEquals(tok.bos(), cut.tokens()[0], "BOS stays");
        assertEquals(List.of(" The dog was happy.</s>"), TrainedRuns.of(tok, cut));

        // the first answer would be split by the cut: it goes whole; the last one stays
        DataRecord.Chat two = chat("Hi", "A long first answer about the little dog and the big tree in the park.", "And?", "Yes.");
        int len = new SequenceEncoder(tok, TEMPLATE, false, 4096).encode(two).length();
        TokenSequence s = new SequenceEncoder(tok, TEMPLATE, false, len - 15).encode(two);   // the first turn's prompt is under 15 tokens
        assertTrue(s.length() < len - 15, "the cut went past the answer it reached");
        assertEquals(List.of("Yes.</s>"), TrainedRuns.of(tok, s));   // the 512-token vocabulary has no "▁Yes": the space stays in the prompt

        // nothing of the answer fits: the record is dropped and counted
        SequenceEncoder tiny = new SequenceEncoder(tok, TEMPLATE, false, 4);
        SequenceEncoder.Encoded e = tiny.encodeAll(List.of(chat("Hi", "The dog was very happy today."), c));
        assertEquals(0, e.sequences().size());
        assertEquals(2, e.dropped());
        assertEquals("test.jsonl:7", e.firstDropped());
        assertTrue(e.note(4).contains("2 dropped"), e.note(4));

        // plain text is a language-model window: its start stays, nothing is dropped
        TokenSequence text = tiny.encode(new DataRecord.Text("t.jsonl", 3, "", longQuestion));
        assertEquals(4, text.length());
        assertArrayEquals(Arrays.copyOf(tok.encode(longQuestion, true), 4), text.tokens());
        assertEquals(3, text.targets());
    }

    @Test
    void aTemplateThatRewritesEarlierTurnsOrFailsIsNamedWithTheRecord() {
        // renders the last assistant turn differently from the same turn followed by more messages
        SequenceEncoder.Renderer rewriting = (m, gen) -> TEMPLATE.render(m, gen).replace("Bot: ", m.size() > 2 ? "Bot> " : "Bot: ");
        TaskDataException e = assertThrows(TaskDataException.class,
                () -> new SequenceEncoder(tok, rewriting, false, 256).encode(chat("a", "b", "c", "d")));
        assertTrue(e.getMessage().startsWith("test.jsonl: line 7: the chat template is not prefix-preserving at message 2"), e.getMessage());

        SequenceEncoder.Renderer failing = (m, gen) -> {
            throw new IllegalStateException("raise_exception: roles must alternate");
        };
        TaskDataException f = assertThrows(TaskDataException.class,
                () -> new SequenceEncoder(tok, failing, false, 256).encode(chat("a", "b")));
        assertTrue(f.getMessage().contains("test.jsonl: line 7: the chat template failed to render the conversation: "
                + "raise_exception: roles must alternate"), f.getMessage());
    }
}
