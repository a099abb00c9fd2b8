package dev.smezo.generate;

import static dev.smezo.bindings.llama_h.*;
import static dev.smezo.bindings.smezo_sample_h.*;

import dev.smezo.ggml.Ggml;
import dev.smezo.tokenizer.Tokenizer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Text generation with libllama: its KV cache, decoder and sampler chain (native/src/smezo_sample.c),
 * so a base model and its smezo fine-tune are compared exactly as llama.cpp would run them. The prompt
 * is token ids, whatever made them: a plain text's tokenization or a rendered chat template.
 *
 * <p>One generation at a time (not thread-safe); each {@link #generate} starts from an empty cache.
 */
public final class Generator implements AutoCloseable {
    /** llama-cli's top-k and min-p (common/common.h), not exposed: top-p and temperature are the knobs people turn. */
    static final int TOP_K = 40;
    static final float MIN_P = 0.05f;

    // smezo_gen_next / smezo_gen_start status codes (native/src/smezo_sample.c)
    private static final int TOKEN = 0, EOG = 1, CONTEXT = 2, TOO_LONG = -1;

    /** Why a generation stopped; {@link #label} is what the CLI prints. */
    public enum StopReason {
        EOS("eos"), MAX_TOKENS("max_tokens"), CONTEXT("context");

        public final String label;

        StopReason(String label) {
            this.label = label;
        }
    }

    /**
     * @param tokens   the generated tokens (an end-of-generation token that stopped it is not among them)
     * @param text     their text, decoded at once
     * @param stop     why it stopped
     * @param promptSeconds   time to decode the prompt
     * @param generateSeconds time to sample and decode the generated tokens
     */
    public record Result(int[] tokens, String text, StopReason stop, double promptSeconds, double generateSeconds) {
        public double tokensPerSecond() {
            return generateSeconds > 0 ? tokens.length / generateSeconds : 0;
        }
    }

    private final Path gguf;
    private final MemorySegment model, vocab, gen;
    private final int nVocab, nCtx;

    private Generator(Path gguf, MemorySegment model, MemorySegment gen) {
        this.gguf = gguf;
        this.model = model;
        this.vocab = llama_model_get_vocab(model);
        this.nVocab = llama_vocab_n_tokens(vocab);
        this.gen = gen;
        this.nCtx = smezo_gen_n_ctx(gen);
    }

    /** llama-cli's context settings (F16 KV cache, flash attention auto); {@code nCtx <= 0}: the model's, at most 4096. */
    public static Generator open(Path gguf, int nCtx, int threads) {
        return open(gguf, nCtx, threads, false);
    }

    /**
     * @param exact the reference forward's settings instead (F32 KV cache, no flash attention): greedy
     *              output then follows {@link dev.smezo.reference.LlamaCppReference}'s logits, where
     *              F16 rounding of K and V could flip a near tie
     */
    public static Generator open(Path gguf, int nCtx, int threads, boolean exact) {
        if (!Files.isRegularFile(gguf)) throw new IllegalArgumentException(gguf + ": no such file");
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1: " + threads);
        Ggml.init();
        Tokenizer.check(gguf);   // what libllama's loader would assert, checked in Java first
        MemorySegment model;
        try (Arena a = Arena.ofConfined()) {
            model = smezo_llama_load(a.allocateFrom(gguf.toString()), 0, 0);
        }
        if (model.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException(gguf + ": libllama could not load it (set SMEZO_GGML_LOG=info for its reasons)");
        }
        MemorySegment gen = smezo_gen_new(model, nCtx, threads, exact ? 1 : 0);
        if (gen.equals(MemorySegment.NULL)) {
            llama_model_free(model);
            throw new IllegalStateException(gguf + ": libllama could not create a context of "
                    + (nCtx > 0 ? nCtx + " tokens" : "the default length") + " (out of memory?)");
        }
        return new Generator(gguf, model, gen);
    }

    /** The most tokens a generation's sequence (prompt and generated) may hold. */
    public int contextLength() {
        return nCtx;
    }

    /**
     * Generates after {@code prompt} (token ids, BOS included if the model wants one), streaming the
     * text to {@code onPiece} as it comes: whole characters only, never an empty string.
     *
     * @throws IllegalArgumentException for an empty prompt, a token outside the vocabulary, or a prompt
     *         that leaves no room in the context
     */
    public Result generate(int[] prompt, Sampling s, Consumer<String> onPiece) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
        for (int t : prompt) {
            if (t < 0 || t >= nVocab) throw new IllegalArgumentException("prompt token " + t + " is outside the vocabulary [0, " + nVocab + ")");
        }
        if (prompt.length >= nCtx) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the prompt has %d tokens but the context holds %d "
                    + "(with room for at least one generated token it must be shorter): raise --ctx or shorten the prompt",
                    prompt.length, nCtx));
        }
        try (Arena a = Arena.ofConfined()) {
            long t0 = System.nanoTime();
            int rc = smezo_gen_start(gen, a.allocateFrom(ValueLayout.JAVA_INT, prompt), prompt.length,
                    (float) s.temperature(), (float) s.topP(), TOP_K, MIN_P, (int) s.seed());
            if (rc == TOO_LONG) throw new IllegalArgumentException("the prompt does not fit the context of " + nCtx);
            if (rc != 0) throw decodeFailure(rc, "the prompt");
            long t1 = System.nanoTime();
            MemorySegment next = a.allocate(ValueLayout.JAVA_INT);
            int[] out = new int[Math.min(s.maxTokens(), nCtx)];
            int n = 0;
            StopReason stop = StopReason.MAX_TOKENS;
            try (PieceStream pieces = pieces()) {
                while (n < s.maxTokens()) {
                    rc = smezo_gen_next(gen, next);
                    if (rc == EOG) { stop = StopReason.EOS; break; }
                    if (rc == CONTEXT) { stop = StopReason.CONTEXT; break; }
                    if (rc != TOKEN) throw decodeFailure(rc, "generated token " + n);
                    int t = next.get(ValueLayout.JAVA_INT, 0);
                    out[n++] = t;
                    String text = pieces.push(t);
                    if (!text.isEmpty()) onPiece.accept(text);
                }
                String tail = pieces.finish();
                if (!tail.isEmpty()) onPiece.accept(tail);
                long t2 = System.nanoTime();
                return new Result(Arrays.copyOf(out, n), pieces.text(), stop, (t1 - t0) * 1e-9, (t2 - t1) * 1e-9);
            }
        }
    }

    /** A fresh token-to-text stream over this model's vocabulary. */
    PieceStream pieces() {
        return new PieceStream(vocab);
    }

    private IllegalStateException decodeFailure(int rc, String what) {
        String why = rc == 101 ? "no room in the KV cache"
                : rc > 100 ? "llama_decode returned " + (rc - 100)
                : rc < -100 ? "llama_decode returned " + (rc + 100) : "status " + rc;
        return new IllegalStateException(gguf + ": libllama failed to decode " + what + " (" + why + ")");
    }

    private boolean closed;

    @Override
    public void close() {
        if (closed) return;   // a second close must not free twice
        closed = true;
        smezo_gen_free(gen);
        llama_model_free(model);
    }
}
