package dev.smezo.model;

import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufValue;
import dev.smezo.gguf.GgufValueType;

/**
 * Hyperparameters of a GGUF model of architecture {@code llama} (LLaMA 1/2/3, Mistral, TinyLlama,
 * SmolLM...), read the way llama.cpp reads them (src/llama-model.cpp, load_hparams), with GGUF's
 * defaults where a key is absent:
 * <pre>
 *   llama.attention.head_count_kv      default head_count (no grouped-query attention)
 *   llama.rope.freq_base               default 10000
 *   llama.rope.scaling.type            default "linear"; "none" or "linear" supported here
 *   llama.rope.scaling.factor          default none (freq_scale 1); old key llama.rope.scale_linear
 *   llama.rope.dimension_count         default head dim; must equal it for llama
 *   llama.attention.key_length         default n_embd / n_head
 *   llama.vocab_size                   default length of tokenizer.ggml.tokens, else token_embd rows
 * </pre>
 */
public record LlamaConfig(
        int nVocab,
        int nEmbd,
        int nLayer,
        int nHead,
        int nHeadKv,
        int nFf,
        int headDim,
        int nCtxTrain,
        float rmsEps,
        float ropeFreqBase,
        float ropeFreqScale) {

    public static final String ARCH = "llama";

    public LlamaConfig {
        require(nVocab > 0, "vocab size", nVocab);
        require(nEmbd > 0, "llama.embedding_length", nEmbd);
        require(nLayer > 0, "llama.block_count", nLayer);
        require(nHead > 0, "llama.attention.head_count", nHead);
        require(nHeadKv > 0 && nHead % nHeadKv == 0, "llama.attention.head_count_kv (must divide head_count)", nHeadKv);
        require(nFf > 0, "llama.feed_forward_length", nFf);
        require(headDim > 0 && headDim % 2 == 0, "head dimension (must be even for RoPE)", headDim);
        require(nCtxTrain > 0, "llama.context_length", nCtxTrain);
        // ggml asserts eps >= 0 (aborting the JVM); 0, NaN or infinity would give NaN logits everywhere.
        require(rmsEps > 0 && rmsEps < 1, "llama.attention.layer_norm_rms_epsilon (must be in (0, 1))", rmsEps);
        require(ropeFreqBase > 0 && Float.isFinite(ropeFreqBase), "llama.rope.freq_base (must be > 0)", ropeFreqBase);
        require(ropeFreqScale > 0 && Float.isFinite(ropeFreqScale), "llama.rope.scaling.factor (must be > 0)",
                1 / ropeFreqScale);
    }

    private static void require(boolean ok, String what, long value) {
        // -1 is the key readers' "absent", and also what an out-of-range u32 such as 4294967295 reads as
        if (!ok) throw new ModelException(value == -1 ? "missing or out-of-range key " + what : "invalid " + what + ": " + value);
    }

    private static void require(boolean ok, String what, double value) {
        if (!ok) throw new ModelException("invalid " + what + ": " + value);
    }

    /** Query width: nHead * headDim (equals nEmbd for every llama model in the wild). */
    public int qDim() {
        return nHead * headDim;
    }

    /** Key/value width: nHeadKv * headDim. */
    public int kvDim() {
        return nHeadKv * headDim;
    }

    public static LlamaConfig from(Gguf g) {
        String arch = string(g, "general.architecture", null);
        if (arch == null) throw new ModelException(g.source() + ": missing key general.architecture");
        if (!ARCH.equals(arch)) {
            throw new ModelException(g.source() + ": key general.architecture = \"" + arch
                    + "\": unsupported architecture (smezo supports \"llama\")");
        }
        String p = ARCH + ".";
        int nEmbd = (int) integer(g, p + "embedding_length", -1);
        int nHead = (int) integer(g, p + "attention.head_count", -1);
        if (nEmbd <= 0 || nHead <= 0) {
            throw new ModelException(g.source() + ": missing or invalid " + p + "embedding_length / " + p
                    + "attention.head_count");
        }
        int headDim = (int) integer(g, p + "attention.key_length", nEmbd / nHead);
        long nRot = integer(g, p + "rope.dimension_count", headDim);
        if (nRot != headDim) {
            throw new ModelException(g.source() + ": key " + p + "rope.dimension_count = " + nRot
                    + ": llama needs it equal to the head dimension " + headDim);
        }
        String scaling = string(g, p + "rope.scaling.type", "linear");
        if (!scaling.equals("linear") && !scaling.equals("none")) {
            throw new ModelException(g.source() + ": key " + p + "rope.scaling.type = \"" + scaling
                    + "\": not supported (none, linear)");
        }
        double factor = real(g, p + "rope.scaling.factor", real(g, p + "rope.scale_linear", 0));
        float freqScale = scaling.equals("none") || factor == 0 ? 1f : (float) (1.0 / factor);
        long nVocab = integer(g, p + "vocab_size", -1);
        if (nVocab < 0) {
            GgufValue tokens = g.metadata().get("tokenizer.ggml.tokens");
            if (tokens != null && tokens.type() == GgufValueType.ARRAY) nVocab = tokens.asArray().values().size();
        }
        if (nVocab < 0) {
            nVocab = g.tensor("token_embd.weight").map(t -> t.ne()[1])
                    .orElseThrow(() -> new ModelException(g.source() + ": no vocabulary size and no token_embd.weight"));
        }
        if (!g.metadata().containsKey(p + "attention.layer_norm_rms_epsilon")) {
            throw new ModelException(g.source() + ": missing key " + p + "attention.layer_norm_rms_epsilon");
        }
        try {
            return create(g, p, nVocab, nEmbd, nHead, headDim, freqScale);
        } catch (ModelException e) {
            if (e.getMessage().startsWith(g.source() + ": ")) throw e;   // a key reader named the file already
            throw new ModelException(g.source() + ": " + e.getMessage());
        }
    }

    private static LlamaConfig create(Gguf g, String p, long nVocab, int nEmbd, int nHead, int headDim, float freqScale) {
        return new LlamaConfig(
                (int) nVocab, nEmbd,
                (int) integer(g, p + "block_count", -1),
                nHead,
                (int) integer(g, p + "attention.head_count_kv", nHead),
                (int) integer(g, p + "feed_forward_length", -1),
                headDim,
                (int) integer(g, p + "context_length", -1),
                (float) real(g, p + "attention.layer_norm_rms_epsilon", 0),
                (float) real(g, p + "rope.freq_base", 10000.0),
                freqScale);
    }

    private static long integer(Gguf g, String key, long dflt) {
        GgufValue v = g.metadata().get(key);
        if (v == null) return dflt;
        if (v.type() == GgufValueType.ARRAY) {
            throw new ModelException(g.source() + ": key " + key + ": per-layer arrays are not supported");
        }
        try {
            return v.asLong();
        } catch (RuntimeException e) {
            throw new ModelException(g.source() + ": key " + key + " has type " + v.type() + ", expected an integer");
        }
    }

    private static double real(Gguf g, String key, double dflt) {
        GgufValue v = g.metadata().get(key);
        if (v == null) return dflt;
        try {
            return v.asDouble();
        } catch (RuntimeException e) {
            throw new ModelException(g.source() + ": key " + key + " has type " + v.type() + ", expected a number");
        }
    }

    private static String string(Gguf g, String key, String dflt) {
        GgufValue v = g.metadata().get(key);
        if (v == null) return dflt;
        if (v.type() != GgufValueType.STRING) {
            throw new ModelException(g.source() + ": key " + key + " has type " + v.type() + ", expected a string");
        }
        return v.asString();
    }
}
