package dev.smezo.generate;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.generate.Generator.StopReason;
import dev.smezo.gguf.GgufValue;
import dev.smezo.testing.TestModels;
import dev.smezo.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation on stories260K against libllama's reference forward and detokenizer. */
@Tag("native")
@Tag("model")
class GeneratorTest {
    static final String PROMPT = "Once upon a time";
    static Path model;
    static int[] prompt;

    @BeforeAll
    static void tokenize() {
        model = TestModels.stories260K();
        try (Tokenizer t = Tokenizer.load(model)) {
            prompt = t.encode(PROMPT, true);
        }
    }

    @Test
    void greedyFollowsTheArgmaxOfTheReferenceLogits() {
        int n = 32;
        int[] expected = References.greedy(model, prompt, n);
        Generator.Result r;
        try (Generator g = Generator.open(model, 64, 2, true)) {
            r = g.generate(prompt, Sampling.greedy(n), piece -> {});
        }
        assertArrayEquals(expected, r.tokens(), "greedy tokens vs argmax of llama_decode over the growing sequence");
        assertEquals(StopReason.MAX_TOKENS, r.stop());
        assertEquals(References.detokenizedSuffix(model, prompt, expected), r.text());
    }

    /** llama-cli's settings (F16 KV cache, flash attention auto) give the same greedy story on this tiny model. */
    @Test
    void greedyWithF16CacheAgreesOnStories260K() {
        int n = 32;
        try (Generator exact = Generator.open(model, 64, 2, true); Generator f16 = Generator.open(model, 64, 2)) {
            assertArrayEquals(exact.generate(prompt, Sampling.greedy(n), p -> {}).tokens(),
                    f16.generate(prompt, Sampling.greedy(n), p -> {}).tokens());
        }
    }

    @Test
    void seededSamplingIsReproducibleAndStreamsItsText() {
        Sampling a = new Sampling(48, 1.0, 0.95, 1), b = new Sampling(48, 1.0, 0.95, 2);
        Generator.Result first, again, other, fresh;
        List<String> pieces = new ArrayList<>();
        try (Generator g = Generator.open(model, 128, 2)) {
            first = g.generate(prompt, a, pieces::add);
            again = g.generate(prompt, a, p -> {});   // the same generator: each generation starts from an empty cache
            other = g.generate(prompt, b, p -> {});
        }
        try (Generator g = Generator.open(model, 128, 1)) {
            fresh = g.generate(prompt, a, p -> {});   // another context, another thread count
        }
        assertArrayEquals(first.tokens(), again.tokens());
        assertArrayEquals(first.tokens(), fresh.tokens());
        assertFalse(Arrays.equals(first.tokens(), other.tokens()), "seeds 1 and 2 drew the same 48 tokens");
        for (Generator.Result r : List.of(first, other)) {
            assertEquals(StopReason.MAX_TOKENS, r.stop());
            assertEquals(48, r.tokens().length, "--max-tokens is honoured");
        }
        assertTrue(pieces.stream().noneMatch(String::isEmpty));
        assertEquals(first.text(), String.join("", pieces), "streamed pieces vs the text decoded at once");
        assertEquals(References.detokenizedSuffix(model, prompt, first.tokens()), first.text(), "vs llama_detokenize");
    }

    @Test
    void temperatureSamplingDiffersFromGreedyAndGreedyIgnoresTheSeed() {
        try (Generator g = Generator.open(model, 128, 2)) {
            int[] greedy = g.generate(prompt, Sampling.greedy(48), p -> {}).tokens();
            assertArrayEquals(greedy, g.generate(prompt, new Sampling(48, 0, 0.5, 9), p -> {}).tokens());
            assertFalse(Arrays.equals(greedy, g.generate(prompt, new Sampling(48, 1.5, 1, 3), p -> {}).tokens()));
        }
    }

    /**
     * stories260K ends its stories with BOS, never with EOS: a copy whose EOS is the token the greedy
     * story emits 10th must stop right before it, with the 9 tokens the original gives first.
     */
    @Test
    void stopsAtTheEndOfGenerationToken(@TempDir Path dir) throws Exception {
        int[] story;
        try (Generator g = Generator.open(model, 64, 2, true)) {
            story = g.generate(prompt, Sampling.greedy(32), p -> {}).tokens();
        }
        int eos = story[9];
        int first = 0;
        while (story[first] != eos) first++;
        Path variant = TestModels.variant(dir, model, "eos-" + eos,
                w -> w.put("tokenizer.ggml.eos_token_id", GgufValue.ofU32(eos)), null);
        try (Generator g = Generator.open(variant, 64, 2, true)) {
            Generator.Result r = g.generate(prompt, Sampling.greedy(32), p -> {});
            assertEquals(StopReason.EOS, r.stop());
            assertArrayEquals(Arrays.copyOf(story, first), r.tokens(), "the story up to the EOS token, without it");
        }
    }

    @Test
    void stopsWhenTheSequenceFillsTheContext() {
        try (Generator g = Generator.open(model, 12, 2, true)) {
            assertEquals(12, g.contextLength());
            Generator.Result r = g.generate(prompt, Sampling.greedy(100), p -> {});
            assertEquals(StopReason.CONTEXT, r.stop());
            assertEquals(12 - prompt.length, r.tokens().length, "prompt and generated tokens fill the 12 positions");
            assertArrayEquals(References.greedy(model, prompt, r.tokens().length), r.tokens());
        }
    }

    @Test
    void aPromptThatDoesNotFitIsNamedWithItsLength() {
        try (Generator g = Generator.open(model, prompt.length, 2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> g.generate(prompt, Sampling.greedy(4), p -> {}));
            assertTrue(e.getMessage().contains("the prompt has " + prompt.length + " tokens but the context holds "
                    + prompt.length), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> g.generate(new int[0], Sampling.greedy(4), p -> {}));
            var bad = assertThrows(IllegalArgumentException.class, () -> g.generate(new int[] {1, 512}, Sampling.greedy(4), p -> {}));
            assertTrue(bad.getMessage().contains("512"), bad.getMessage());
            // the generator is still usable after a refused prompt
            assertEquals(StopReason.CONTEXT, g.generate(new int[] {1}, Sampling.greedy(100), p -> {}).stop());
        }
    }

    /**
     * Characters stories260K's 512-token vocabulary spells with byte-fallback tokens (<0xE6><0x97>...):
     * streamed token by token, the text equals llama_detokenize of all the tokens at once, while
     * decoding each piece alone (Tokenizer.decode) garbles them.
     */
    @Test
    void multiByteCharactersSpanningTokensStreamWhole() {
        String text = "Tom said: \u65e5\u672c \u2603 caf\u00e9 \ud83d\ude00!";
        int[] tokens;
        String perPiece;
        try (Tokenizer t = Tokenizer.load(model)) {
            tokens = t.encode(text, true);
            perPiece = t.decode(tokens);
        }
        assertTrue(tokens.length > text.length() / 2, "byte tokens expected, got " + tokens.length + " tokens");
        List<String> out = new ArrayList<>();
        try (Generator g = Generator.open(model, 64, 1); PieceStream s = g.pieces()) {
            for (int tok : tokens) out.add(s.push(tok));
            out.add(s.finish());
            assertEquals(References.detokenize(model, tokens), String.join("", out));
            assertEquals(s.text(), String.join("", out));
        }
        assertTrue(out.contains(""), "some token completes no character");
        assertTrue(String.join("", out).contains("\u65e5\u672c \u2603 caf\u00e9 \ud83d\ude00!"));
        assertNotEquals(String.join("", out).strip(), perPiece.strip(), "piece-by-piece decoding would garble it");
    }
}
