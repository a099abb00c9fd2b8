package dev.smezo.model;

import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufValue;
import dev.smezo.gguf.GgufValueType;
import java.util.Map;

/**
 * Hyperparameters of a GGUF model, read the way llama.cpp reads them (src/llama-model.cpp
 * load_hparams, then each architecture's load_arch_hparams), with GGUF's defaults where a key is
 * absent. {@code A} below is {@code general.architecture}:
 * <pre>
 *   A.attention.head_count_kv       default head_count (no grouped-query attention)
 *   A.attention.key_length          default n_embd / n_head (Qwen3, Gemma, Mistral-Nemo set it)
 *   A.rope.dimension_count          default the head dim; llama needs it equal
 *   A.rope.freq_base                default 10000
 *   A.rope.scaling.type             none, linear (default) or longrope (Phi-3's factor tensors)
 *   A.rope.scaling.factor           default none (freq_scale 1); old key A.rope.scale_linear
 *   A.rope.scaling.original_context_length   default context_length (LongRoPE picks factors by it)
 *   A.rope.scaling.attn_factor      default 1 (Phi-3 LongRoPE's magnitude scale)
 *   A.vocab_size                    default length of tokenizer.ggml.tokens, else token_embd rows
 *   gemma2: attention.sliding_window 4096, sliding_window_pattern 2 (even layers windowed),
 *           attn_logit_softcapping 50, final_logit_softcapping 30, rope.freq_base_swa = freq_base
 *   gemma3: a window only if attention.sliding_window > 0 (pattern 6: 5 local, 1 global),
 *           rope.freq_base_swa 10000 unscaled, final_logit_softcapping only if present
 *   phi3:   attention.sliding_window ignored, as llama.cpp does ("Phi SWA is currently disabled")
 * </pre>
 *
 * @param headDim          per-head width of Q and K (and V: llama.cpp's families here keep them equal)
 * @param nRot             rotated dimensions per head (RoPE)
 * @param nCtxOrig         LongRoPE's original context: long factors apply when {@code nCtx} exceeds it
 * @param slidingWindow    0, or the window of the sliding layers: key p0 is hidden from query p1 when p1 - p0 >= it
 * @param swaPattern       layer il slides when il % swaPattern < swaPattern - 1 (0: every layer)
 * @param attnSoftcap      0, or c in kq = c*tanh(kq/c) before the softmax (Gemma 2)
 * @param finalSoftcap     0, or c in logits = c*tanh(logits/c)
 * @param queryScale       0 (attention scaled by 1/sqrt(head dim) in the softmax), or Gemma's factor on Q
 * @param nCtx             the inference context the file is used with, which picks LongRoPE's factors
 *                         (llama.cpp's default n_ctx is the training context; it pads any n_ctx to a
 *                         multiple of 256 before choosing)
 */
public record ModelConfig(
        Arch arch,
        int nVocab,
        int nEmbd,
        int nLayer,
        int nHead,
        int nHeadKv,
        int nFf,
        int headDim,
        int nRot,
        int nCtxTrain,
        float rmsEps,
        float ropeFreqBase,
        float ropeFreqScale,
        float ropeFreqBaseSwa,
        float ropeFreqScaleSwa,
        int nCtxOrig,
        float ropeAttnFactor,
        int slidingWindow,
        int swaPattern,
        float attnSoftcap,
        float finalSoftcap,
        float queryScale,
        int nCtx) {

    public ModelConfig {
        String p = arch.ggmlName() + ".";
        require(nVocab > 0, "vocab size", nVocab);
        require(nEmbd > 0, p + "embedding_length", nEmbd);
        require(nLayer > 0, p + "block_count", nLayer);
        require(nHead > 0, p + "attention.head_count", nHead);
        require(nHeadKv > 0 && nHead % nHeadKv == 0, p + "attention.head_count_kv (must divide head_count)", nHeadKv);
        require(nFf > 0, p + "feed_forward_length", nFf);
        require(headDim > 0 && headDim % 2 == 0, "head dimension (must be even for RoPE)", headDim);
        require(nRot > 0 && nRot % 2 == 0 && nRot <= headDim, p + "rope.dimension_count (even, <= head dim)", nRot);
        require(nCtxTrain > 0, p + "context_length", nCtxTrain);
        require(nCtxOrig > 0, p + "rope.scaling.original_context_length", nCtxOrig);
        require(nCtx > 0, "context", nCtx);
        require(slidingWindow >= 0, p + "attention.sliding_window", slidingWindow);
        require(swaPattern >= 0, p + "attention.sliding_window_pattern", swaPattern);
        // ggml asserts eps >= 0 (aborting the JVM); 0, NaN or infinity would give NaN logits everywhere.
        if (!(rmsEps > 0 && rmsEps < 1)) {
            throw new ModelException("invalid " + p + "attention.layer_norm_rms_epsilon (must be in (0, 1)): " + rmsEps);
        }
        positive(ropeFreqBase, p + "rope.freq_base");
        positive(ropeFreqBaseSwa, p + "rope.freq_base_swa");
        positive(ropeFreqScale, p + "rope.scaling.factor (inverse)");
        positive(ropeFreqScaleSwa, "sliding layers' rope scale");
        positive(ropeAttnFactor, p + "rope.scaling.attn_factor");
        nonNegative(attnSoftcap, p + "attn_logit_softcapping");
        nonNegative(finalSoftcap, p + "final_logit_softcapping");
        nonNegative(queryScale, "query scale");
    }

    private static void require(boolean ok, String what, long value) {
        // -1 is the key readers' "absent", and also what an out-of-range u32 such as 4294967295 reads as
        if (!ok) throw new ModelException(value == -1 ? "missing or out-of-range key " + what : "invalid " + what + ": " + value);
    }

    private static void positive(float v, String what) {
        if (!(v > 0 && Float.isFinite(v))) throw new ModelException("invalid " + what + " (must be > 0): " + v);
    }

    private static void nonNegative(float v, String what) {
        if (!(v >= 0 && Float.isFinite(v))) throw new ModelException("invalid " + what + " (must be >= 0): " + v);
    }

    /** Query width: nHead * headDim (Qwen3 and Gemma differ from nEmbd). */
    public int qDim() {
        return nHead * headDim;
    }

    /** Key/value width: nHeadKv * headDim. */
    public int kvDim() {
        return nHeadKv * headDim;
    }

    /** Does layer {@code il} attend through the sliding window (llama_hparams::is_swa)? */
    public boolean isSwa(int il) {
        return slidingWindow > 0 && (swaPattern == 0 || il % swaPattern < swaPattern - 1);
    }

    /** Does any layer slide (so the graph needs the windowed mask)? */
    public boolean hasSwa() {
        for (int il = 0; il < nLayer; il++) if (isSwa(il)) return true;
        return false;
    }

    /** The same model used with an inference context of {@code n} tokens (LongRoPE's factor choice). */
    public ModelConfig withContext(int n) {
        return new ModelConfig(arch, nVocab, nEmbd, nLayer, nHead, nHeadKv, nFf, headDim, nRot, nCtxTrain, rmsEps,
                ropeFreqBase, ropeFreqScale, ropeFreqBaseSwa, ropeFreqScaleSwa, nCtxOrig, ropeAttnFactor, slidingWindow,
                swaPattern, attnSoftcap, finalSoftcap, queryScale, n);
    }

    public static ModelConfig from(Gguf g) {
        long embdRows = g.tensor("token_embd.weight").map(t -> t.ne()[1]).orElse(-1L);
        return from(g.source(), g.metadata(), embdRows);
    }

    /**
     * @param embdRows rows of token_embd.weight (the vocabulary size of last resort), or -1
     */
    public static ModelConfig from(String source, Map<String, GgufValue> md, long embdRows) {
        Keys k = new Keys(source, md);
        String archName = k.string("general.architecture", null);
        if (archName == null) throw new ModelException(source + ": missing key general.architecture");
        Arch arch = Arch.named(source, archName);
        String p = arch.ggmlName() + ".";
        if (k.integer(p + "expert_count", 0) > 0) {
            throw new ModelException(source + ": key " + p + "expert_count = " + k.integer(p + "expert_count", 0)
                    + ": a mixture-of-experts model, not supported (smezo trains dense " + Arch.supportedList() + " models)");
        }
        int nEmbd = (int) k.integer(p + "embedding_length", -1);
        int nHead = (int) k.integer(p + "attention.head_count", -1);
        if (nEmbd <= 0 || nHead <= 0) {
            throw new ModelException(source + ": missing or invalid " + p + "embedding_length / " + p + "attention.head_count");
        }
        int nLayer = (int) k.integer(p + "block_count", -1);
        int headDim = (int) k.integer(p + "attention.key_length", nEmbd / nHead);
        long headDimV = k.integer(p + "attention.value_length", nEmbd / nHead);
        if (headDimV != headDim) {
            throw new ModelException(source + ": keys " + p + "attention.key_length = " + headDim + " and value_length = "
                    + headDimV + ": different K and V head sizes are not supported");
        }
        long nRot = k.integer(p + "rope.dimension_count", headDim);
        boolean partialRope = arch == Arch.PHI3 || arch == Arch.GEMMA2 || arch == Arch.GEMMA3;
        if (nRot != headDim && !partialRope) {
            throw new ModelException(source + ": key " + p + "rope.dimension_count = " + nRot + ": " + arch.ggmlName()
                    + " needs it equal to the head dimension " + headDim);
        }
        String scaling = k.string(p + "rope.scaling.type", "linear");
        if (!scaling.equals("linear") && !scaling.equals("none") && !scaling.equals("longrope")) {
            throw new ModelException(source + ": key " + p + "rope.scaling.type = \"" + scaling
                    + "\": not supported (none, linear, longrope)");
        }
        double factor = k.real(p + "rope.scaling.factor", k.real(p + "rope.scale_linear", 0));
        float freqScale = scaling.equals("none") || factor == 0 ? 1f : (float) (1.0 / factor);
        float freqBase = (float) k.real(p + "rope.freq_base", 10000.0);
        long nVocab = k.integer(p + "vocab_size", -1);
        if (nVocab < 0) {
            GgufValue tokens = md.get("tokenizer.ggml.tokens");
            if (tokens != null && tokens.type() == GgufValueType.ARRAY) nVocab = tokens.asArray().values().size();
        }
        if (nVocab < 0) nVocab = embdRows;
        if (nVocab < 0) throw new ModelException(source + ": no vocabulary size and no token_embd.weight");
        if (!md.containsKey(p + "attention.layer_norm_rms_epsilon")) {
            throw new ModelException(source + ": missing key " + p + "attention.layer_norm_rms_epsilon");
        }
        int nCtxTrain = (int) k.integer(p + "context_length", -1);

        // The family's own keys and defaults (each architecture's load_arch_hparams).
        int window = 0, pattern = 0;
        float baseSwa = freqBase, scaleSwa = freqScale, attnCap = 0, finalCap = 0, qScale = 0;
        switch (arch) {
            case GEMMA2 -> {
                window = (int) k.integer(p + "attention.sliding_window", 4096);
                pattern = (int) k.integer(p + "attention.sliding_window_pattern", 2);
                baseSwa = (float) k.real(p + "rope.freq_base_swa", freqBase);
                attnCap = (float) k.real(p + "attn_logit_softcapping", 50);
                finalCap = (float) k.real(p + "final_logit_softcapping", 30);
                qScale = gemmaQueryScale(nLayer == 46, nEmbd, nHead, headDim);           // 46 layers: Gemma 2 27B
            }
            case GEMMA3 -> {
                window = Math.max(0, (int) k.integer(p + "attention.sliding_window", 0));
                pattern = window > 0 ? (int) k.integer(p + "attention.sliding_window_pattern", 6) : 0;
                baseSwa = window > 0 ? (float) k.real(p + "rope.freq_base_swa", 10000.0) : freqBase;
                scaleSwa = window > 0 ? 1f : freqScale;                                   // linear scaling: global layers only
                finalCap = (float) k.real(p + "final_logit_softcapping", 0);
                qScale = gemmaQueryScale(nLayer == 62, nEmbd, nHead, headDim);           // 62 layers: Gemma 3 27B
            }
            default -> { }
        }
        try {
            return new ModelConfig(arch, (int) nVocab, nEmbd, nLayer, nHead,
                    (int) k.integer(p + "attention.head_count_kv", nHead),
                    (int) k.integer(p + "feed_forward_length", -1),
                    headDim, (int) nRot, nCtxTrain,
                    (float) k.real(p + "attention.layer_norm_rms_epsilon", 0),
                    freqBase, freqScale, baseSwa, scaleSwa,
                    (int) k.integer(p + "rope.scaling.original_context_length", nCtxTrain),
                    (float) k.real(p + "rope.scaling.attn_factor", 1.0),
                    window, pattern, attnCap, finalCap, qScale, Math.max(nCtxTrain, 1));
        } catch (ModelException e) {
            if (e.getMessage().startsWith(source + ": ")) throw e;   // a key reader named the file already
            throw new ModelException(source + ": " + e.getMessage());
        }
    }

    /** gemma_pytorch's query_pre_attn_scalar: n_embd / n_head for the 27B models, the head dim otherwise. */
    private static float gemmaQueryScale(boolean is27B, int nEmbd, int nHead, int headDim) {
        return is27B ? 1.0f / (float) Math.sqrt((float) (nEmbd / nHead)) : 1.0f / (float) Math.sqrt((float) headDim);
    }

    /** Typed metadata reads that name the file and the key. */
    private record Keys(String source, Map<String, GgufValue> md) {
        long integer(String key, long dflt) {
            GgufValue v = md.get(key);
            if (v == null) return dflt;
            if (v.type() == GgufValueType.ARRAY) {
                throw new ModelException(source + ": key " + key + ": per-layer arrays are not supported");
            }
            try {
                return v.asLong();
            } catch (RuntimeException e) {
                throw new ModelException(source + ": key " + key + " has type " + v.type() + ", expected an integer");
            }
        }

        double real(String key, double dflt) {
            GgufValue v = md.get(key);
            if (v == null) return dflt;
            try {
                return v.asDouble();
            } catch (RuntimeException e) {
                throw new ModelException(source + ": key " + key + " has type " + v.type() + ", expected a number");
            }
        }

        String string(String key, String dflt) {
            GgufValue v = md.get(key);
            if (v == null) return dflt;
            if (v.type() != GgufValueType.STRING) {
                throw new ModelException(source + ": key " + key + " has type " + v.type() + ", expected a string");
            }
            return v.asString();
        }
    }
}
