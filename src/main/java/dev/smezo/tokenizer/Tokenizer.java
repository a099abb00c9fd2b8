package dev.smezo.tokenizer;

import static dev.smezo.bindings.llama_h.*;

import dev.smezo.ggml.Ggml;
import dev.smezo.gguf.GgufValue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * llama.cpp's tokenizer for a GGUF model, through libllama loaded vocabulary-only (no tensor data
 * is read), so smezo tokenizes exactly as llama.cpp does for that file.
 */
public final class Tokenizer implements AutoCloseable {
    private final Path source;
    private final MemorySegment model;
    private final MemorySegment vocab;
    private final int size;

    private Tokenizer(Path source, MemorySegment model) {
        this.source = source;
        this.model = model;
        this.vocab = llama_model_get_vocab(model);
        this.size = llama_vocab_n_tokens(vocab);
    }

    /** Loads the vocabulary of a GGUF model through libllama, after {@link #check}. */
    public static Tokenizer load(Path gguf) {
        if (!Files.isRegularFile(gguf)) throw new IllegalArgumentException(gguf + ": no such file");
        VocabularyCheck.require(gguf);
        return loadChecked(gguf);
    }

    /** The same for a model smezo has opened already: {@code metadata} is its parsed metadata (not read again). */
    public static Tokenizer load(Path gguf, Map<String, GgufValue> metadata) {
        VocabularyCheck.require(metadata, gguf);
        return loadChecked(gguf);
    }

    private static Tokenizer loadChecked(Path gguf) {
        Ggml.init();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = smezo_llama_load(a.allocateFrom(gguf.toString()), 1, 0);
            if (m.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException(gguf + ": libllama could not load its vocabulary "
                        + "(set SMEZO_GGML_LOG=info for libllama's reasons)");
            }
            return new Tokenizer(gguf, m);
        }
    }

    /**
     * Checks in Java what libllama's loader would assert (aborting the JVM) about a model's
     * vocabulary; call it before handing the file to libllama any other way.
     */
    public static void check(Path gguf) {
        VocabularyCheck.require(gguf);
    }

    /** The GGUF file this vocabulary came from. */
    public Path source() {
        return source;
    }

    /** libllama's (vocab-only) model, for other facades over it (dev.smezo.chat); valid until {@link #close}. */
    public MemorySegment model() {
        return model;
    }

    public int vocabSize() {
        return size;
    }

    public int bos() {
        return llama_vocab_bos(vocab);
    }

    public int eos() {
        return llama_vocab_eos(vocab);
    }

    /** Does this model's tokenizer want a BOS token in front of a prompt? */
    public boolean addsBos() {
        return llama_vocab_get_add_bos(vocab);
    }

    /**
     * Tokens of {@code text}; with {@code addSpecial} the model's BOS is prepended when its
     * tokenizer asks for one. Special-token text in {@code text} is not parsed (plain text).
     */
    public int[] encode(String text, boolean addSpecial) {
        return encode(text, addSpecial, false);
    }

    /**
     * The same; with {@code parseSpecial} the text of a control token (e.g. {@code <|im_start|>}) becomes
     * that token, as llama-server tokenizes a rendered chat prompt.
     */
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment t = a.allocate(utf8.length + 1L);
            MemorySegment.copy(utf8, 0, t, ValueLayout.JAVA_BYTE, 0, utf8.length);
            int cap = utf8.length + 8;
            MemorySegment out = a.allocate(ValueLayout.JAVA_INT, cap);
            int n = llama_tokenize(vocab, t, utf8.length, out, cap, addSpecial, parseSpecial);
            if (n < 0) {
                cap = -n;
                out = a.allocate(ValueLayout.JAVA_INT, cap);
                n = llama_tokenize(vocab, t, utf8.length, out, cap, addSpecial, parseSpecial);
            }
            if (n < 0) throw new IllegalStateException("llama_tokenize failed (" + n + ") on " + utf8.length + " bytes");
            return out.asSlice(0, 4L * n).toArray(ValueLayout.JAVA_INT);
        }
    }

    /** Does the token end a generation (EOS, end-of-turn such as {@code <|im_end|>} or {@code <|eot_id|>})? */
    public boolean isEog(int token) {
        return llama_vocab_is_eog(vocab, token);
    }

    /** The text of one token (its bytes decoded as UTF-8; partial characters show as U+FFFD). */
    public String piece(int token) {
        return new String(pieceBytes(token), StandardCharsets.UTF_8);
    }

    /** The bytes of one token (a byte-fallback or byte-level token may hold part of a character). */
    public byte[] pieceBytes(int token) {
        if (token < 0 || token >= size) throw new IllegalArgumentException("token " + token + " outside [0, " + size + ")");
        try (Arena a = Arena.ofConfined()) {
            int cap = 64;
            MemorySegment buf = a.allocate(cap);
            int n = llama_token_to_piece(vocab, token, buf, cap, 0, true);
            if (n < 0) {
                cap = -n;
                buf = a.allocate(cap);
                n = llama_token_to_piece(vocab, token, buf, cap, 0, true);
            }
            return buf.asSlice(0, Math.max(n, 0)).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** The tokens' text: their bytes joined, then decoded, so characters that span tokens come out whole. */
    public String decode(int[] tokens) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int t : tokens) bytes.writeBytes(pieceBytes(t));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        llama_model_free(model);
    }
}
