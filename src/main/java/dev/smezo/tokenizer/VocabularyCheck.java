package dev.smezo.tokenizer;

import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufException;
import dev.smezo.gguf.GgufValue;
import dev.smezo.gguf.GgufValueType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What libllama's vocabulary loader asserts (aborting the whole JVM) checked in Java first: every
 * token of {@code tokenizer.ggml.tokens} distinct as libllama sees it, i.e. as a C string, cut at its
 * first NUL byte.
 */
final class VocabularyCheck {
    private static final String KEY = "tokenizer.ggml.tokens";

    private VocabularyCheck() {}

    /** {@link #require(Map, Path)} on the file's own metadata. */
    static void require(Path gguf) {
        try (Arena arena = Arena.ofConfined()) {
            require(Gguf.open(gguf, arena).metadata(), gguf);
        } catch (GgufException | IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * @param metadata {@code gguf}'s metadata, already parsed
     * @throws IllegalArgumentException naming the file, the key and the two tokens
     */
    static void require(Map<String, GgufValue> metadata, Path gguf) {
        GgufValue v = metadata.get(KEY);
        if (v == null || v.type() != GgufValueType.ARRAY) return;   // libllama reports a missing vocabulary itself
        List<GgufValue> tokens = v.asArray().values();
        Map<String, Integer> seen = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).type() != GgufValueType.STRING) {
                throw new IllegalArgumentException(gguf + ": key " + KEY + ": entry " + i + " is not a string");
            }
            String s = tokens.get(i).asString();
            int nul = s.indexOf('\0');
            String asC = nul < 0 ? s : s.substring(0, nul);
            Integer first = seen.putIfAbsent(asC, i);
            if (first != null) {
                throw new IllegalArgumentException(gguf + ": key " + KEY + ": token " + i + " repeats token " + first
                        + " (\"" + printable(asC) + "\"" + (nul < 0 ? "" : ", as cut at its NUL byte")
                        + "); libllama needs every token distinct");
            }
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.length() > 40 ? sb.substring(0, 40) + "..." : sb.toString();
    }
}
