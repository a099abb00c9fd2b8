package dev.smezo.model;

import dev.smezo.gguf.GgmlType;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * GGUF tensor names of the llama architecture (llama.cpp's LLM_TENSOR_* names) and their shapes
 * in ggml {@code ne} order.
 */
public final class LlamaTensors {
    public static final String TOKEN_EMBD = "token_embd.weight";
    public static final String OUTPUT_NORM = "output_norm.weight";
    public static final String OUTPUT = "output.weight";
    public static final String ROPE_FREQS = "rope_freqs.weight";

    private LlamaTensors() {}

    public static String blk(int layer, String name) {
        return "blk." + layer + "." + name + ".weight";
    }

    public static String bias(int layer, String name) {
        return "blk." + layer + "." + name + ".bias";
    }

    /**
     * Every tensor a llama model must have, with its shape, and no other: llama.cpp refuses a file
     * with a tensor it does not use ("wrong number of tensors"), and so would every checkpoint of it.
     */
    public static void validate(String source, LlamaConfig c, Weights w) {
        long e = c.nEmbd(), v = c.nVocab(), q = c.qDim(), kv = c.kvDim(), ff = c.nFf();
        Set<String> known = new HashSet<>();
        check(known, source, w, TOKEN_EMBD, true, e, v);
        check(known, source, w, OUTPUT_NORM, true, e);
        check(known, source, w, OUTPUT, false, e, v);
        check(known, source, w, ROPE_FREQS, false, c.headDim() / 2);
        for (int i = 0; i < c.nLayer(); i++) {
            check(known, source, w, blk(i, "attn_norm"), true, e);
            check(known, source, w, blk(i, "attn_q"), true, e, q);
            check(known, source, w, blk(i, "attn_k"), true, e, kv);
            check(known, source, w, blk(i, "attn_v"), true, e, kv);
            check(known, source, w, blk(i, "attn_output"), true, q, e);
            check(known, source, w, blk(i, "ffn_norm"), true, e);
            check(known, source, w, blk(i, "ffn_gate"), true, e, ff);
            check(known, source, w, blk(i, "ffn_up"), true, e, ff);
            check(known, source, w, blk(i, "ffn_down"), true, ff, e);
            check(known, source, w, bias(i, "attn_q"), false, q);
            check(known, source, w, bias(i, "attn_k"), false, kv);
            check(known, source, w, bias(i, "attn_v"), false, kv);
            check(known, source, w, bias(i, "attn_output"), false, e);
        }
        for (Weights.Entry t : w.entries()) {
            if (!known.contains(t.name())) {
                throw new ModelException(source + ": tensor " + t.name() + " is not part of a " + c.nLayer()
                        + "-layer llama model (llama.cpp refuses files with tensors it does not use)");
            }
        }
    }


    private static void check(Set<String> known, String source, Weights w, String name, boolean required, long... ne) {
        known.add(name);
        Optional<Weights.Entry> found = w.find(name);
        if (found.isEmpty()) {
            if (required) throw new ModelException(source + ": missing tensor " + name);
            return;
        }
        Weights.Entry t = found.get();
        if (!Arrays.equals(t.ne(), ne)) {
            throw new ModelException(source + ": tensor " + name + " has shape " + Arrays.toString(t.ne())
                    + ", expected " + Arrays.toString(ne));
        }
        if (ne.length == 1 && t.type() != GgmlType.F32) {
            throw new ModelException(source + ": tensor " + name + " has type " + t.type()
                    + "; vectors (norms, biases) must be F32");
        }
        if (t.type() == GgmlType.F64 || t.type() == GgmlType.I8 || t.type() == GgmlType.I16
                || t.type() == GgmlType.I32 || t.type() == GgmlType.I64) {
            throw new ModelException(source + ": tensor " + name + " has type " + t.type() + ", not a weight type");
        }
    }
}
