package dev.smezo.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.GgufValue;
import dev.smezo.testing.TestModels;
import dev.smezo.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The synthetic byte-level BPE vocabulary against libllama: it loads (no assertion kills the JVM),
 * tokenizes plain English exactly as an independent plain-Java byte-level BPE does, round-trips
 * any text, and honours add_bos; for both pre-tokenizers callers use.
 */
@Tag("native")
class BpeVocabularyTest {
    @TempDir
    static Path dir;

    static final String[] SENTENCES = {
        "the quick brown fox jumps over the lazy dog",
        "once upon a time there was a little girl who loved to play outside with her friends",
        "she went home and read a book about the ocean and the moon",
        "zebras quizzically vex jocular wombats",   // rare words: only partly merged
    };

    /** The tiny synthetic model with its SentencePiece vocabulary replaced by a BPE one. */
    static Path model(int nVocab, String pre, boolean addBos) throws IOException {
        Path base = dir.resolve("base-" + nVocab + ".gguf");
        if (!Files.isRegularFile(base)) {
            new Synth(ModelShape.named("tiny").withLayers(1).withVocab(nVocab), GgmlType.F32, true, 5).write(base, null);
        }
        Path out = dir.resolve("bpe-" + nVocab + "-" + pre + "-" + addBos + ".gguf");
        if (Files.isRegularFile(out)) return out;
        return TestModels.variant(dir, base, "bpe-" + nVocab + "-" + pre + "-" + addBos, w -> {
            w.remove("tokenizer.ggml.scores").remove("tokenizer.ggml.unknown_token_id");
            w.putAll(BpeVocabulary.metadata(nVocab, pre, addBos));
        }, null);
    }

    @ParameterizedTest(name = "{1}, {0} tokens")
    @CsvSource({"384, llama-bpe", "384, qwen2", "512, llama-bpe", "512, qwen2", "4096, llama-bpe", "4096, qwen2"})
    void libllamaLoadsIt(int nVocab, String pre) throws IOException {
        Map<String, GgufValue> md = BpeVocabulary.metadata(nVocab, pre, true);
        List<String> tokens = md.get("tokenizer.ggml.tokens").asArray().toStringList();
        List<String> merges = md.get("tokenizer.ggml.merges").asArray().toStringList();
        assertEquals(nVocab, tokens.size());
        assertEquals(nVocab, new HashSet<>(tokens).size(), "tokens distinct");
        assertEquals(nVocab, md.get("tokenizer.ggml.token_type").asArray().size());
        int specials = pre.equals("qwen2") ? 3 : 5;   // Llama 3's add its chat headers
        assertEquals(nVocab - 256 - specials, merges.size(), "every non-byte, non-special token is one merge's result");
        Map<String, Integer> id = ids(tokens);
        for (int i = 0; i < merges.size(); i++) {
            String[] p = merges.get(i).split(" ", -1);
            assertEquals(2, p.length, merges.get(i));
            assertTrue(id.get(p[0]) < 256 + i && id.get(p[1]) < 256 + i, "merge " + i + " joins earlier tokens");
            assertEquals(256 + i, id.get(p[0] + p[1]), "merge " + i + "'s result is the token after the ones before");
        }
        try (Tokenizer tok = Tokenizer.load(model(nVocab, pre, true))) {
            assertEquals(nVocab, tok.vocabSize());
            assertEquals(nVocab - specials, tok.bos());
            assertEquals(pre.equals("qwen2") ? nVocab - 3 : nVocab - 4, tok.eos());
            assertEquals("\u0120", tokens.get(tok.encode(" ", false)[0]), "space is the byte symbol Ġ");
        }
    }

    @ParameterizedTest(name = "{1}, {0} tokens")
    @CsvSource({"512, llama-bpe", "512, qwen2", "4096, llama-bpe", "4096, qwen2"})
    void plainJavaBpeGivesLibllamasTokens(int nVocab, String pre) throws IOException {
        Map<String, GgufValue> md = BpeVocabulary.metadata(nVocab, pre, false);
        int tokensTotal = 0, bytesTotal = 0;
        try (Tokenizer tok = Tokenizer.load(model(nVocab, pre, false))) {
            for (String s : SENTENCES) {
                int[] ours = reference(md, s, pre.equals("llama-bpe"));
                int[] theirs = tok.encode(s, false);
                assertArrayEquals(ours, theirs, pre + " " + nVocab + ": \"" + s + "\"");
                if (!s.startsWith("zebras")) {
                    tokensTotal += theirs.length;
                    bytesTotal += s.length();
                }
            }
        }
        assertTrue(tokensTotal * 2 < bytesTotal, "merges happen: " + tokensTotal + " tokens for " + bytesTotal + " bytes");
        System.out.printf("%s %d: %d tokens for %d bytes of common English%n", pre, nVocab, tokensTotal, bytesTotal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-bpe", "qwen2"})
    void decodeInvertsEncode(String pre) throws IOException {
        String[] texts = {
            "héllo wörld 123\n中文",
            "Prices: $3.14, 42% off (2024-06-01)! Won't you?\n\n\tindented  twice   spaced",
            "naïve café, façade; Straße; 日本語 は",   // は: no merge joins its 3 bytes
        };
        try (Tokenizer tok = Tokenizer.load(model(512, pre, true))) {
            for (String t : Arrays.copyOf(texts, 2)) assertEquals(t, tok.decode(tok.encode(t, false)), pre);
            // A character whose bytes no merge joins comes out as byte tokens; Tokenizer.piece decodes
            // each alone as UTF-8, so those show as U+FFFD and everything else decodes as it was.
            int[] ids = tok.encode(texts[2], false);
            StringBuilder raw = new StringBuilder();
            for (int i : ids) raw.append(tok.piece(i));
            assertTrue(ids.length > 0);
            assertEquals(texts[2].replace("は", ""), raw.toString().replace("\uFFFD", ""), pre);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-bpe", "qwen2"})
    void addBosPutsBosFirst(String pre) throws IOException {
        String text = "the cat sat";
        try (Tokenizer on = Tokenizer.load(model(512, pre, true)); Tokenizer off = Tokenizer.load(model(512, pre, false))) {
            assertTrue(on.addsBos());
            assertFalse(off.addsBos());
            int[] with = on.encode(text, true);
            assertEquals(on.bos(), with[0]);
            assertArrayEquals(on.encode(text, false), Arrays.copyOfRange(with, 1, with.length));
            assertArrayEquals(off.encode(text, false), off.encode(text, true));
            assertNotEquals(off.bos(), off.encode(text, true)[0]);
        }
    }

    @Test
    void belowTheMinimumIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BpeVocabulary.metadata(BpeVocabulary.MIN_VOCAB - 1, "qwen2", true));
        assertEquals(BpeVocabulary.metadata(700, "llama-bpe", true), BpeVocabulary.metadata(700, "llama-bpe", true),
                "deterministic");
    }

    /**
     * Byte-level BPE written from the algorithm, not from BpeVocabulary: pre-split lowercase words
     * at single spaces (the space joins the word after it, as the pre-tokenizer regex does), map
     * bytes with GPT-2's bytes_to_unicode, merge the lowest-ranked adjacent pair (leftmost on ties)
     * until none applies. {@code ignoreMerges} (llama-bpe): a word that is itself a token is taken whole.
     */
    static int[] reference(Map<String, GgufValue> md, String text, boolean ignoreMerges) {
        Map<String, Integer> id = ids(md.get("tokenizer.ggml.tokens").asArray().toStringList());
        Map<String, Integer> rank = new HashMap<>();
        List<String> merges = md.get("tokenizer.ggml.merges").asArray().toStringList();
        for (int i = 0; i < merges.size(); i++) rank.putIfAbsent(merges.get(i), i);
        String[] unicode = bytesToUnicode();
        List<Integer> out = new ArrayList<>();
        String[] words = text.split(" ");
        for (int w = 0; w < words.length; w++) {
            List<String> sym = new ArrayList<>();
            for (byte b : ((w == 0 ? "" : " ") + words[w]).getBytes(StandardCharsets.UTF_8)) sym.add(unicode[b & 0xFF]);
            String whole = String.join("", sym);
            if (ignoreMerges && id.containsKey(whole)) {
                out.add(id.get(whole));
                continue;
            }
            while (true) {
                int best = -1, bestRank = Integer.MAX_VALUE;
                for (int j = 0; j + 1 < sym.size(); j++) {
                    Integer r = rank.get(sym.get(j) + " " + sym.get(j + 1));
                    if (r != null && r < bestRank) {
                        bestRank = r;
                        best = j;
                    }
                }
                if (best < 0) break;
                sym.set(best, sym.get(best) + sym.remove(best + 1));
            }
            for (String s : sym) out.add(id.get(s));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** GPT-2's bytes_to_unicode: bytes ! to ~, ¡ to ¬, ® to ÿ as themselves, the others U+0100 upward in byte order. */
    static String[] bytesToUnicode() {
        String[] m = new String[256];
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) bs.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) bs.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) bs.add(b);
        for (int b : bs) m[b] = Character.toString(b);
        int n = 0;
        for (int b = 0; b < 256; b++) if (m[b] == null) m[b] = Character.toString(256 + n++);
        return m;
    }

    static Map<String, Integer> ids(List<String> tokens) {
        Map<String, Integer> id = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) id.put(tokens.get(i), i);
        return id;
    }
}
