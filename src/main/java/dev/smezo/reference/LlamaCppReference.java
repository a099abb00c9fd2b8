package dev.smezo.reference;

import static dev.smezo.bindings.llama_h.*;

import dev.smezo.ggml.Ggml;
import dev.smezo.tokenizer.Tokenizer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * llama.cpp's own forward pass (libllama's {@code llama_decode}) over a GGUF file: the reference
 * smezo's graph is checked against, and the baseline its speed is compared with. The context has
 * an F32 KV cache and no flash attention, so differences are float rounding only.
 */
public final class LlamaCppReference implements AutoCloseable {
    private final MemorySegment model;
    private final MemorySegment ctx;
    private final int nVocab;
    private final int nCtx;

    public LlamaCppReference(Path gguf, int nCtx, int nSeqMax, int threads) {
        Ggml.init();
        Tokenizer.check(gguf);
        try (Arena a = Arena.ofConfined()) {
            this.model = smezo_llama_load(a.allocateFrom(gguf.toString()), 0, 0);
        }
        if (model.equals(MemorySegment.NULL)) throw new IllegalArgumentException(gguf + ": libllama could not load it");
        this.ctx = smezo_llama_context(model, nCtx, nCtx, nSeqMax, threads);
        if (ctx.equals(MemorySegment.NULL)) {
            llama_model_free(model);
            throw new IllegalStateException(gguf + ": libllama could not create a context of " + nCtx + " tokens");
        }
        this.nVocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
        this.nCtx = nCtx;
    }

    public int vocabSize() {
        return nVocab;
    }

    /** Logits at every position of one sequence, from an empty cache: {@code tokens.length x n_vocab}. */
    public float[] logits(int[] tokens) {
        return logits(new int[][] {tokens})[0];
    }

    /**
     * Several sequences in one llama_decode call (sequence ids 0..n-1, each from position 0); per
     * sequence, the logits at every position.
     */
    public float[][] logits(int[][] sequences) {
        int n = 0;
        for (int[] s : sequences) n += s.length;
        if (n > nCtx) throw new IllegalArgumentException(n + " tokens exceed the reference context of " + nCtx);
        smezo_llama_clear(ctx);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tok = a.allocate(ValueLayout.JAVA_INT, n), seq = a.allocate(ValueLayout.JAVA_INT, n);
            MemorySegment pos = a.allocate(ValueLayout.JAVA_INT, n), want = a.allocate(ValueLayout.JAVA_BYTE, n);
            int k = 0;
            for (int s = 0; s < sequences.length; s++) {
                for (int p = 0; p < sequences[s].length; p++, k++) {
                    tok.setAtIndex(ValueLayout.JAVA_INT, k, sequences[s][p]);
                    seq.setAtIndex(ValueLayout.JAVA_INT, k, s);
                    pos.setAtIndex(ValueLayout.JAVA_INT, k, p);
                    want.set(ValueLayout.JAVA_BYTE, k, (byte) 1);
                }
            }
            int rc = smezo_llama_decode(ctx, tok, seq, pos, want, n);
            if (rc != 0) throw new IllegalStateException("llama_decode returned " + rc);
        }
        float[][] out = new float[sequences.length][];
        int k = 0;
        for (int s = 0; s < sequences.length; s++) {
            out[s] = new float[sequences[s].length * nVocab];
            for (int p = 0; p < sequences[s].length; p++, k++) {
                MemorySegment row = llama_get_logits_ith(ctx, k).reinterpret(4L * nVocab);
                MemorySegment.copy(row, ValueLayout.JAVA_FLOAT, 0, out[s], p * nVocab, nVocab);
            }
        }
        return out;
    }

    @Override
    public void close() {
        llama_free(ctx);
        llama_model_free(model);
    }
}
