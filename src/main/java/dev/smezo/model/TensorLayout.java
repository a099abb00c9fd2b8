package dev.smezo.model;

import static dev.smezo.model.TensorNames.*;

import dev.smezo.gguf.GgmlType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The tensors an architecture's file holds, as llama.cpp's load_arch_tensors creates them: each
 * required or optional, with its shape in ggml {@code ne} order. It validates a file (llama.cpp refuses
 * a missing, misshaped or unused tensor, and would refuse every checkpoint of such a file) and tells
 * {@link Synth} what to write. Alternatives (fused or separate Q/K/V) are decided by what the file has.
 */
public final class TensorLayout {
    /** One tensor: a vector (norm, bias), a matrix, or a constant (never trained). */
    public record Spec(String name, boolean required, boolean constant, long... ne) {
        public boolean vector() {
            return ne.length == 1;
        }
    }

    private final String arch;
    private final int layers;
    private final Predicate<String> present;
    private final List<Spec> specs = new ArrayList<>();

    /** @param present which optional tensors the file has (for alternatives such as a fused QKV) */
    public TensorLayout(ModelConfig c, Predicate<String> present) {
        this.arch = c.arch().ggmlName();
        this.layers = c.nLayer();
        this.present = present;
    }

    public List<Spec> specs() {
        return specs;
    }

    public TensorLayout tensor(String name, boolean required, long... ne) {
        specs.add(new Spec(name, required, false, ne));
        return this;
    }

    public TensorLayout constant(String name, long n) {
        specs.add(new Spec(name, false, true, n));
        return this;
    }

    /** A matrix with its optional bias. */
    public TensorLayout withBias(String name, long in, long out) {
        return tensor(name, true, in, out).tensor(biasOf(name), false, out);
    }

    /** token_embd and output_norm, and output (optional: absent means tied) unless the family always ties. */
    public TensorLayout embeddings(long nEmbd, long nVocab, boolean outputAllowed) {
        tensor(TOKEN_EMBD, true, nEmbd, nVocab);
        tensor(OUTPUT_NORM, true, nEmbd);
        if (outputAllowed) tensor(OUTPUT, false, nEmbd, nVocab);
        return this;
    }

    /**
     * llama.cpp's create_tensor_qkv: a fused attn_qkv (with its optional bias) when the file has one, otherwise attn_q, attn_k and attn_v with optional biases.
     */
    public TensorLayout qkv(int il, long nEmbd, long q, long kv) {
        String fused = blk(il, "attn_qkv");
        if (present.test(fused)) {
            tensor(fused, true, nEmbd, q + 2 * kv);
            // (llama.cpp also takes separate q/k/v biases beside a fused matrix, as legacy files have;
            // smezo refuses them by name rather than concatenate them in every forward)
            return tensor(biasOf(fused), false, q + 2 * kv);
        }
        return withBias(blk(il, "attn_q"), nEmbd, q).withBias(blk(il, "attn_k"), nEmbd, kv).withBias(blk(il, "attn_v"), nEmbd, kv);
    }

    /** ffn_gate, ffn_down and ffn_up, no biases (every family but llama, whose FFN may have them). */
    public TensorLayout ffn(int il, long nEmbd, long nFf) {
        return tensor(blk(il, "ffn_gate"), true, nEmbd, nFf).tensor(blk(il, "ffn_down"), true, nFf, nEmbd)
                .tensor(blk(il, "ffn_up"), true, nEmbd, nFf);
    }

    /** Checks every tensor of {@code w} against the layout, naming the first that differs. */
    public void validate(String source, Weights w) {
        Set<String> known = new HashSet<>();
        for (Spec s : specs) {
            known.add(s.name());
            Optional<Weights.Entry> found = w.find(s.name());
            if (found.isEmpty()) {
                if (s.required()) throw new ModelException(source + ": missing tensor " + s.name());
                continue;
            }
            check(source, s, found.get());
        }
        for (Weights.Entry t : w.entries()) {
            if (!known.contains(t.name())) {
                throw new ModelException(source + ": tensor " + t.name() + " is not part of a " + layers + "-layer "
                        + arch + " model (llama.cpp refuses files with tensors it does not use)");
            }
        }
    }

    private static void check(String source, Spec s, Weights.Entry t) {
        if (!Arrays.equals(t.ne(), s.ne())) {
            throw new ModelException(source + ": tensor " + s.name() + " has shape " + Arrays.toString(t.ne())
                    + ", expected " + Arrays.toString(s.ne()));
        }
        if (s.vector() && t.type() != GgmlType.F32) {
            throw new ModelException(source + ": tensor " + s.name() + " has type " + t.type()
                    + "; vectors (norms, biases, rope factors) must be F32");
        }
        if (t.type() == GgmlType.F64 || t.type() == GgmlType.I8 || t.type() == GgmlType.I16
                || t.type() == GgmlType.I32 || t.type() == GgmlType.I64) {
            throw new ModelException(source + ": tensor " + s.name() + " has type " + t.type() + ", not a weight type");
        }
    }
}
