package dev.smezo.generate;

import static dev.smezo.bindings.llama_h.*;
import static dev.smezo.bindings.smezo_sample_h.llama_detokenize;

import dev.smezo.reference.LlamaCppReference;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** What generation is checked against, computed without smezo_sample.c. */
final class References {
    private References() {}

    /**
     * Greedy decoding the slow way: libllama's logits over the whole growing sequence (the reference
     * forward, F32 KV, from an empty cache each step), argmax of the last position (the first of equal
     * maxima, as llama_sampler_init_greedy picks), {@code n} times.
     */
    static int[] greedy(Path model, int[] prompt, int n) {
        int[] seq = Arrays.copyOf(prompt, prompt.length + n);
        try (LlamaCppReference ref = new LlamaCppReference(model, prompt.length + n, 1, 2)) {
            int nv = ref.vocabSize();
            for (int k = prompt.length; k < seq.length; k++) {
                float[] logits = ref.logits(Arrays.copyOf(seq, k));
                int best = 0, base = (k - 1) * nv;
                for (int v = 1; v < nv; v++) if (logits[base + v] > logits[base + best]) best = v;
                seq[k] = best;
            }
        }
        return Arrays.copyOfRange(seq, prompt.length, seq.length);
    }

    /**
     * libllama's llama_detokenize of {@code prompt} followed by {@code generated}, minus that of
     * {@code prompt} alone: the generated text decoded all at once (special tokens not rendered, as
     * Generator prints). The prompt in front keeps SentencePiece's first-token space rule out of it.
     */
    static String detokenizedSuffix(Path model, int[] prompt, int[] generated) {
        int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);
        String whole = detokenize(model, all), head = detokenize(model, prompt);
        if (!whole.startsWith(head)) throw new AssertionError("detokenized text does not start with the prompt's");
        return whole.substring(head.length());
    }

    static String detokenize(Path model, int[] tokens) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = smezo_llama_load(a.allocateFrom(model.toString()), 1, 0);
            try {
                MemorySegment vocab = llama_model_get_vocab(m);
                MemorySegment t = a.allocateFrom(ValueLayout.JAVA_INT, tokens);
                int cap = 64 * tokens.length + 16;
                MemorySegment buf = a.allocate(cap);
                int n = llama_detokenize(vocab, t, tokens.length, buf, cap, false, false);
                if (n < 0) throw new AssertionError("llama_detokenize needs " + -n + " bytes");
                return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            } finally {
                llama_model_free(m);
            }
        }
    }
}
